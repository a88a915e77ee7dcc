import { isDeepStrictEqual } from 'node:util';
import type { StoredGrant } from './grant-entity';
import type { TicketEffect } from './ticket-effect';

/**
 * A write that lost its race only to the outbox being worked (owed ticket writes marked attempted or
 * removed as done, SIEM events removed as sent, by the queue consumer or the sweep) did not lose it to a
 * competing step: the write is made again on the grant as it now is, with the outbox's progress kept and
 * what the write adds to the outbox (ticket writes, the SIEM events of its moves) appended. Returns that
 * write, or undefined when anyone else changed the record or meta, appended to the outbox, or touched an
 * owed write this writer changed too: then the race is lost, as before.
 */
export function mergeOutboxProgress(previous: StoredGrant, fresh: StoredGrant, next: StoredGrant): StoredGrant | undefined {
  const { effects: before, ...metaBefore } = previous.meta;
  const { effects: now, ...metaNow } = fresh.meta;
  if (!same(previous.record, fresh.record) || !same(metaBefore, metaNow)) return undefined;
  const was = new Map(before.map((effect) => [effect.id, effect]));
  const is = new Map(now.map((effect) => [effect.id, effect]));
  if (now.some((effect) => !was.has(effect.id))) return undefined;

  const merged: TicketEffect[] = [];
  for (const effect of next.meta.effects) {
    const old = was.get(effect.id);
    if (old === undefined) {
      merged.push(effect);
      continue;
    }
    const current = is.get(effect.id);
    if (same(effect, old)) {
      if (current !== undefined) merged.push(current);
    } else if (current !== undefined && same(current, old)) merged.push(effect);
    else return undefined;
  }
  const kept = new Set(next.meta.effects.map((effect) => effect.id));
  // An owed write this writer removed must not have been worked meanwhile.
  for (const [id, old] of was) {
    const current = is.get(id);
    if (!kept.has(id) && current !== undefined && !same(current, old)) return undefined;
  }
  return { ...next, version: fresh.version, meta: { ...next.meta, effects: merged } };
}

/** Equal as stored: a key holding undefined is no key (JSON drops it). */
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
