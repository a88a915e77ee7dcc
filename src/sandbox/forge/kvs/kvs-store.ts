import type { EntityDefinition } from '../manifest-loader';
import { type Filters, matchesFilters } from './filter-conditions';
import { KvsError, TransactionConditionFailed } from './kvs-error';
import { MAX_SECRET_BYTES, MAX_VALUE_BYTES, checkEntityValue, checkKey, checkValue } from './value-rules';

export type Namespace = { kind: 'plain' } | { kind: 'secret' } | { kind: 'entity'; entityName: string };
export type StoredItem = { key: string; value: unknown; createdAt: number; updatedAt: number; expiresAt?: number };
export type Ttl = { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' };
export type SetOptions = { ttl?: Ttl; keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS' };
export type TransactionOperation =
  | { op: 'set'; ns: Namespace; key: string; value: unknown; options?: SetOptions; conditions?: Filters }
  | { op: 'delete'; ns: Namespace; key: string; conditions?: Filters }
  | { op: 'check'; ns: Namespace; key: string; conditions: Filters };

const TTL_UNIT_MS = { SECONDS: 1_000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

/** The app's key-value, secret and custom entity storage for one installation, in memory. */
export class KvsStore {
  private readonly plain = new Map<string, StoredItem>();
  private readonly secrets = new Map<string, StoredItem>();
  private readonly entityItems = new Map<string, Map<string, StoredItem>>();
  private readonly entityDefinitions: ReadonlyMap<string, EntityDefinition>;

  constructor(
    entities: EntityDefinition[],
    private readonly now: () => number,
  ) {
    this.entityDefinitions = new Map(entities.map((entity) => [entity.name, entity]));
    for (const entity of entities) this.entityItems.set(entity.name, new Map());
  }

  entity(name: string): EntityDefinition {
    const definition = this.entityDefinitions.get(name);
    if (definition === undefined) {
      throw new KvsError(400, 'ENTITY_NOT_FOUND', `Entity ${name} is not declared under app.storage.entities`);
    }
    return definition;
  }

  get(ns: Namespace, key: string): StoredItem | undefined {
    this.checkKeyFor(ns, key);
    const item = this.mapFor(ns).get(key);
    return item !== undefined && this.isLive(item) ? item : undefined;
  }

  /** Sets a value and returns the item it replaced (if any) and the stored one. */
  set(ns: Namespace, key: string, value: unknown, options: SetOptions = {}): { previous?: StoredItem; latest: StoredItem } {
    this.checkSet(ns, key, value, options);
    const previous = this.get(ns, key);
    const now = this.now();
    const latest: StoredItem = {
      key,
      value,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(options.ttl ? { expiresAt: now + options.ttl.value * TTL_UNIT_MS[options.ttl.unit] } : {}),
    };
    this.mapFor(ns).set(key, latest);
    return { ...(previous ? { previous } : {}), latest };
  }

  delete(ns: Namespace, key: string): boolean {
    const existed = this.get(ns, key) !== undefined;
    this.mapFor(ns).delete(key);
    return existed;
  }

  /** Live items sorted by key. */
  list(ns: Namespace): StoredItem[] {
    return [...this.mapFor(ns).values()].filter((item) => this.isLive(item)).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** All operations or none: every condition is checked and every value validated before anything changes. */
  transact(operations: TransactionOperation[]): void {
    const seen = new Set<string>();
    for (const operation of operations) {
      const id = `${operation.ns.kind}/${operation.ns.kind === 'entity' ? operation.ns.entityName : ''}/${operation.key}`;
      if (seen.has(id)) throw new KvsError(400, 'BAD_REQUEST', `A transaction may touch ${operation.key} only once`);
      seen.add(id);
      if (operation.conditions !== undefined && operation.ns.kind !== 'entity') {
        throw new KvsError(400, 'BAD_REQUEST', 'Transaction conditions apply to custom entities only');
      }
      if (operation.op === 'set') this.checkSet(operation.ns, operation.key, operation.value, operation.options ?? {});
      else this.checkKeyFor(operation.ns, operation.key);
    }
    const failed = operations.filter(
      (operation) =>
        operation.conditions !== undefined &&
        !matchesFilters(this.get(operation.ns, operation.key)?.value, operation.conditions),
    );
    if (failed.length > 0) throw new TransactionConditionFailed(failed.map((operation) => operation.key));
    for (const operation of operations) {
      if (operation.op === 'set') this.set(operation.ns, operation.key, operation.value, operation.options);
      if (operation.op === 'delete') this.delete(operation.ns, operation.key);
    }
  }

  /** Plain keys and entities, for tests and the sandbox UI. Secrets are left out on purpose. */
  inspect(): { keys: Record<string, unknown>; entities: Record<string, Record<string, unknown>> } {
    const values = (items: StoredItem[]) => Object.fromEntries(items.map((item) => [item.key, item.value]));
    return {
      keys: values(this.list({ kind: 'plain' })),
      entities: Object.fromEntries(
        [...this.entityItems.keys()].map((entityName) => [entityName, values(this.list({ kind: 'entity', entityName }))]),
      ),
    };
  }

  /** Secret values: for tests only; never show them in a UI or log. */
  inspectSecretsForTests(): Record<string, unknown> {
    return Object.fromEntries(this.list({ kind: 'secret' }).map((item) => [item.key, item.value]));
  }

  private checkSet(ns: Namespace, key: string, value: unknown, options: SetOptions): void {
    this.checkKeyFor(ns, key);
    checkValue(value, ns.kind === 'secret' ? MAX_SECRET_BYTES : MAX_VALUE_BYTES);
    if (ns.kind === 'entity') checkEntityValue(this.entity(ns.entityName), value);
    if (options.ttl !== undefined && !(Number.isInteger(options.ttl.value) && options.ttl.value > 0)) {
      throw new KvsError(400, 'BAD_REQUEST', 'ttl.value must be a positive integer');
    }
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && this.get(ns, key) !== undefined) {
      throw new KvsError(409, 'KEY_ALREADY_EXISTS', `Key ${key} already exists`);
    }
  }

  private checkKeyFor(ns: Namespace, key: string): void {
    checkKey(key, ns.kind === 'entity' ? 'EMPTY_KEY' : 'KEY_TOO_SHORT');
  }

  private mapFor(ns: Namespace): Map<string, StoredItem> {
    if (ns.kind === 'plain') return this.plain;
    if (ns.kind === 'secret') return this.secrets;
    this.entity(ns.entityName);
    const items = this.entityItems.get(ns.entityName);
    if (items === undefined) throw new KvsError(400, 'ENTITY_NOT_FOUND', `Entity ${ns.entityName} is not declared`);
    return items;
  }

  private isLive(item: StoredItem): boolean {
    return item.expiresAt === undefined || item.expiresAt > this.now();
  }
}
