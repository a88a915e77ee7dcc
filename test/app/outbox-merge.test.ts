import { newGrantRecord } from '../../src/core';
import type { StoredGrant } from '../../src/app/storage/grant-entity';
import { mergeOutboxProgress } from '../../src/app/storage/outbox-merge';
import type { TicketEffect } from '../../src/app/storage/ticket-effect';

const at = '2026-11-23T09:00:00.000Z';
const effect = (id: string, more: Partial<TicketEffect> = {}): TicketEffect => ({ id, at, kind: 'property', ...more }) as TicketEffect;

function grant(effects: TicketEffect[], more: { version?: number; warnAt?: string } = {}): StoredGrant {
  const record = newGrantRecord({ ticket: 'JIT-1', target: 'demo', accessLevel: 'read-only', role: 'read', requesterAccountId: 'acc-ana', breakGlass: false, at: new Date(at) });
  return {
    ticket: 'JIT-1',
    createdAt: 0,
    version: more.version ?? 1,
    record,
    meta: { requestTypeId: '1', reasons: [], refusedApprovals: [], alertSent: false, alertFailures: 0, effects, ...(more.warnAt ? { warnAt: more.warnAt } : {}) },
  };
}

const ids = (merged: StoredGrant | undefined) => merged && merged.meta.effects.map((e) => `${e.id}${e.attempted ? '*' : ''}`).join(',');

/** previous: what the writer read; fresh: what storage holds now; next: what the writer meant to write. */
const TABLE: ReadonlyArray<[string, StoredGrant, StoredGrant, StoredGrant, string | undefined]> = [
  ['the consumer applied an owed write: the writer appends its own after what is left', grant([effect('a'), effect('b')]), grant([effect('b')], { version: 2 }), grant([effect('a'), effect('b'), effect('c')]), 'b,c'],
  ['the consumer marked one attempted: kept', grant([effect('a')]), grant([effect('a', { attempted: true })], { version: 2 }), grant([effect('a'), effect('c')]), 'a*,c'],
  ['another writer appended writes of its own: the race is lost', grant([effect('a')]), grant([effect('a'), effect('x')], { version: 2 }), grant([effect('a'), effect('c')]), undefined],
  ['another writer changed the meta: the race is lost', grant([effect('a')]), grant([effect('a')], { version: 2, warnAt: at }), grant([effect('a'), effect('c')]), undefined],
  ['the writer marks the one the consumer applied meanwhile: the race is lost', grant([effect('a')]), grant([], { version: 2 }), grant([effect('a', { attempted: true })]), undefined],
  ['the writer removes one the consumer marked meanwhile: the race is lost', grant([effect('a'), effect('b')]), grant([effect('a', { attempted: true }), effect('b')], { version: 2 }), grant([effect('b')]), undefined],
  [
    'a SIEM event was sent meanwhile: the writer appends its writes and the SIEM events of its move after what is left',
    grant([effect('a'), effect('s', { kind: 'siem' })]),
    grant([effect('a')], { version: 2 }),
    grant([effect('a'), effect('s', { kind: 'siem' }), effect('c'), effect('t', { kind: 'siem' })]),
    'a,c,t',
  ],
  ['both marked different writes: both kept', grant([effect('a'), effect('b')]), grant([effect('a', { attempted: true }), effect('b')], { version: 2 }), grant([effect('a'), effect('b', { attempted: true })]), 'a*,b*'],
];

describe('a write that lost its race only to the outbox being worked', () => {
  it.each(TABLE)('%s', (_name, previous, fresh, next, expected) => {
    expect(ids(mergeOutboxProgress(previous, fresh, next))).toBe(expected);
  });

  it('is conditioned on the version storage now holds', () => {
    expect(mergeOutboxProgress(grant([effect('a')]), grant([], { version: 7 }), grant([effect('a'), effect('c')]))?.version).toBe(7);
  });
});
