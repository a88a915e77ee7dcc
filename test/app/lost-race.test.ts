import { z } from 'zod';
import type { ForgeProductEvent } from '../../src/sandbox/jsm';
import { settle } from './support/app-site';
import { installedApp } from './support/install-app';
import { raise, readTicket } from './support/ticket';

jest.setTimeout(90_000);

// Forge names no error code for a failed transaction condition (the emulator answers with none, so @forge/kvs
// reports UNKNOWN_ERROR): the app must recognise a lost race without relying on a code.
describe('two deliveries of one event racing to take a request in', () => {
  const app = installedApp();

  it('lets one win and the other stop quietly: one grant, no failed invocation', async () => {
    const { site } = app();
    const created: ForgeProductEvent[] = [];
    const unsubscribe = site.jsm.onEvent((event) => {
      if (event.eventType === 'avi:jira:created:issue') created.push(event);
    });
    const key = await raise(site, app().ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' });
    unsubscribe();
    const [event] = created;
    if (event === undefined) throw new Error('no created event');
    // Forget the request, then deliver its created event twice in the same turn: both read no grant and
    // both try to claim the ticket with a conditional write.
    site.runtime.kvsStoreForTests.delete({ kind: 'entity', entityName: 'grant' }, key);
    site.runtime.inspect.clearInvocations();
    await Promise.all([site.runtime.deliverProductEvent(event), site.runtime.deliverProductEvent(event)]);
    await settle(site);
    expect(site.runtime.inspect.invocations().map((record) => [record.kind, record.outcome, record.error])).toEqual([
      ['trigger', 'ok', undefined],
      ['trigger', 'ok', undefined],
      // The winner's ticket writes, applied by the queue consumer; the loser queued none.
      ['consumer', 'ok', undefined],
    ]);
    // Claimed and routed to approval once, its ticket writes all applied: the loser wrote nothing.
    const stored = z.object({ phase: z.string(), record: z.object({ state: z.string(), history: z.array(z.unknown()) }), meta: z.object({ effects: z.array(z.unknown()) }) }).parse(site.runtime.inspect.kvs().entities.grant?.[key]);
    expect(stored).toMatchObject({ phase: 'idle', record: { state: 'awaiting-approval' }, meta: { effects: [] } });
    expect(stored.record.history).toHaveLength(1);
    // One routing comment from the first intake (before the grant was forgotten) and one from the winner.
    expect((await readTicket(site, key)).internal.filter((text) => text.startsWith('policy-needs-approval'))).toHaveLength(2);
  });
});
