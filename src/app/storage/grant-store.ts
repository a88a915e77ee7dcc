import { Filter, FilterConditions, ForgeKvsAPIError, Sort, WhereConditions, kvs } from '@forge/kvs';
import { mergeOutboxProgress } from './outbox-merge';
import { owedSiemEvents } from './siem-outbox';
import { CREATED_INDEX, DUE_INDEX, GRANT_ENTITY, grantEntitySchema, toEntity, type GrantEntity, type StoredGrant } from './grant-entity';

/**
 * Reads and conditional writes of grants. Every write is a transaction conditioned on the version read,
 * so two deliveries of one event (at-least-once) cannot both act: the loser gets `false` and stops.
 * Working the outbox (marking an owed ticket write attempted, removing it once done) is no competing step:
 * a write that lost only to that is made again on top of it.
 * Forge names no error code for a failed condition, so a refused write is a lost race when the stored
 * grant shows another writer got there first, whatever the error says; any other refusal is thrown.
 * The index attributes (`phase`, `dueAt`) are derived here on every write and dropped on read.
 */

type EntityValue = Omit<GrantEntity, 'record' | 'meta'> & { record: unknown; meta: unknown };

const entity = () => kvs.entity<EntityValue>(GRANT_ENTITY);

function parse(value: unknown): StoredGrant {
  const { phase: _phase, dueAt: _dueAt, ...grant } = grantEntitySchema.parse(value);
  return grant;
}

/** A refused write lost a race when storage no longer holds the version the write was conditioned on. */
async function lostRace(error: unknown, ticket: string, conditionedOn: number | undefined): Promise<boolean> {
  if (!(error instanceof ForgeKvsAPIError)) return false;
  return (await getGrant(ticket))?.version !== conditionedOn;
}

export async function getGrant(ticket: string): Promise<StoredGrant | undefined> {
  const value = await entity().get(ticket);
  return value === undefined ? undefined : parse(value);
}

/** Creates the grant unless one exists for the ticket; false when another invocation got there first. */
export async function createGrant(grant: StoredGrant): Promise<boolean> {
  try {
    await kvs
      .transact()
      .set<EntityValue>(grant.ticket, toEntity(grant), { entityName: GRANT_ENTITY, conditions: new Filter<EntityValue>().and('version', FilterConditions.notExists()) })
      .execute();
    return true;
  } catch (error) {
    if (await lostRace(error, grant.ticket, undefined)) return false;
    throw error;
  }
}

/**
 * Writes `next` (its version becomes previous + 1) if the stored version is still `previous.version`, with the
 * SIEM events of the moves it records owed in the same write. A write that lost only to the outbox being
 * worked is made again on top of it (`mergeOutboxProgress`), its SIEM events with it.
 */
export async function updateGrant(previous: StoredGrant, next: StoredGrant): Promise<StoredGrant | undefined> {
  const siem = await owedSiemEvents(previous.record, next.record);
  const owing: StoredGrant = siem.length === 0 ? next : { ...next, meta: { ...next.meta, effects: [...next.meta.effects, ...siem] } };
  let base = previous;
  let change = owing;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const written: StoredGrant = { ...change, version: base.version + 1 };
    try {
      await kvs
        .transact()
        .set<EntityValue>(previous.ticket, toEntity(written), {
          entityName: GRANT_ENTITY,
          conditions: new Filter<EntityValue>().and('version', FilterConditions.equalTo(base.version)),
        })
        .execute();
      return written;
    } catch (error) {
      if (!(error instanceof ForgeKvsAPIError)) throw error;
      const fresh = await getGrant(previous.ticket);
      if (fresh?.version === base.version) throw error;
      const merged = fresh && mergeOutboxProgress(previous, fresh, owing);
      if (!fresh || !merged) return undefined;
      base = fresh;
      change = merged;
    }
  }
  return undefined;
}

export interface Page {
  grants: StoredGrant[];
  cursor?: string;
}

/** Open grants whose next action is due at or before `now`, earliest first: one index query per page. */
export async function queryDue(now: number, limit: number, cursor?: string): Promise<Page> {
  let query = entity().query().index(DUE_INDEX, { partition: ['open'] }).where(WhereConditions.lessThanEqualTo(now)).sort(Sort.ASC).limit(limit);
  if (cursor !== undefined) query = query.cursor(cursor);
  const page = await query.getMany();
  return { grants: page.results.map((result) => parse(result.value)), ...(page.nextCursor ? { cursor: page.nextCursor } : {}) };
}

/** Grants requested between `from` and `to` (epoch ms), oldest first. */
export async function queryCreated(from: number, to: number, limit: number, cursor?: string): Promise<Page> {
  let query = entity().query().index(CREATED_INDEX).where(WhereConditions.between(from, to)).sort(Sort.ASC).limit(limit);
  if (cursor !== undefined) query = query.cursor(cursor);
  const page = await query.getMany();
  return { grants: page.results.map((result) => parse(result.value)), ...(page.nextCursor ? { cursor: page.nextCursor } : {}) };
}

/** Grants of these tickets that exist, in batches of the platform's batch size. */
export async function getGrants(tickets: readonly string[]): Promise<StoredGrant[]> {
  const found: StoredGrant[] = [];
  for (let start = 0; start < tickets.length; start += 25) {
    const batch = tickets.slice(start, start + 25).map((key) => ({ key, entityName: GRANT_ENTITY }));
    const result = await kvs.batchGet<unknown>(batch);
    found.push(...result.successfulKeys.map((item) => parse(item.value)));
  }
  return found;
}
