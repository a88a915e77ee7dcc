import { z } from 'zod';
import { runAs } from '../../src/connector/drivers/pglite';
import { settle } from './support/app-site';
import { installedApp } from './support/install-app';
import { answerApproval, raise, readTicket, resolveOk, transitionAs, type TicketView } from './support/ticket';

jest.setTimeout(120_000);

const credentialSchema = z.object({ username: z.string(), password: z.string() });

type Start = 'active' | 'awaiting-approval' | 'approved' | 'requested';

interface Row {
  start: Start;
  /** The workflow transition a person runs, and who. */
  transition: string;
  by: 'agent' | 'requester' | 'approver';
  status: string;
  state: string;
  /** Whether the requester's login still works afterwards (active rows only). */
  loginWorks?: boolean;
  connector?: 'revoked' | 'active';
  note?: RegExp;
  publicLast?: string;
}

// The invariant on the live app: a status a person sets is made true by the app, or the ticket is put
// back with an internal note saying why (the full state x status table is test/core/status-action.test.ts).
const ROWS: Row[] = [
  { start: 'active', transition: 'Access expired', by: 'agent', status: 'Access expired', state: 'expired', loginWorks: false, connector: 'revoked', publicLast: 'Access to demo has ended. If you need it again, raise a new request.' },
  { start: 'active', transition: 'Revoke access', by: 'agent', status: 'Access revoked', state: 'revoked', loginWorks: false, connector: 'revoked', publicLast: 'Access to demo was revoked. If you still need access, raise a new request.' },
  { start: 'active', transition: 'Resolve', by: 'requester', status: 'Resolved', state: 'revoked', loginWorks: false, connector: 'revoked' },
  { start: 'active', transition: 'Access failed', by: 'agent', status: 'Access granted', state: 'active', loginWorks: true, connector: 'active',
    note: /^Moved back to Access granted: the ticket was moved to Access failed, but access is active at the database/ },
  { start: 'awaiting-approval', transition: 'Access failed', by: 'agent', status: 'Waiting for approval', state: 'awaiting-approval',
    note: /^Moved back to Waiting for approval: the ticket was moved to Access failed, but the request is still waiting for approval/ },
  { start: 'awaiting-approval', transition: 'Cancel request', by: 'requester', status: 'Canceled', state: 'revoked',
    publicLast: 'The request was cancelled before access started; nothing was granted. Raise a new request if you still need access.' },
  { start: 'awaiting-approval', transition: 'Decline', by: 'approver', status: 'Declined', state: 'declined' },
  { start: 'approved', transition: 'Access granted', by: 'agent', status: 'Approved', state: 'granting',
    note: /^Moved back to Approved: the ticket was moved to Access granted, but access is not granted yet/ },
  { start: 'approved', transition: 'Cancel request', by: 'requester', status: 'Canceled', state: 'revoked', connector: 'revoked' },
  // A break-glass request whose grant job has not succeeded yet: denied, it is ended at the connector too, and its job grants nothing.
  { start: 'requested', transition: 'Deny', by: 'agent', status: 'Denied', state: 'revoked', connector: 'revoked' },
];

describe('a person moves the ticket to a status the app owns', () => {
  // Break-glass is enabled only with an alert destination (none is delivered here: nothing is granted by break-glass).
  const app = installedApp({ alertWebhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' });

  /** A request in the starting state; for an active one, the requester's revealed login. */
  async function start(kind: Start): Promise<{ key: string; login?: z.infer<typeof credentialSchema> }> {
    const { site } = app();
    const { requester } = site.people;
    if (kind === 'active') {
      const key = await raise(site, app().ids, requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
      return { key, login: credentialSchema.parse(await resolveOk(site, requester, 'revealCredential', {}, key)) };
    }
    if (kind === 'awaiting-approval') return { key: await raise(site, app().ids, requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' }) };
    // Approved (or break-glass) while the connector is down: the first attempt failed and the grant waits for its retry.
    await app().connector.stop();
    const key =
      kind === 'requested'
        ? await raise(site, app().ids, site.people.requester2, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'checkout down', breakGlass: true })
        : await raise(site, app().ids, requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    await app().restartConnector();
    return { key };
  }

  it.each(ROWS.map((row) => [`${row.start}, ${row.transition} by the ${row.by}`, row] as const))('%s', async (_label, row) => {
    const { site } = app();
    const { key, login } = await start(row.start);
    if (row.start === 'approved') expect(await readTicket(site, key)).toMatchObject({ status: 'Approved', property: { state: 'granting' } });
    if (row.start === 'requested') expect(await readTicket(site, key)).toMatchObject({ status: 'Waiting for approval', property: { state: 'requested', breakGlass: true } });
    const before = await readTicket(site, key);
    const person = row.by === 'agent' ? site.people.agent : row.by === 'requester' ? site.people.requester : site.people.approver;
    if (row.transition === 'Decline') expect(await answerApproval(site, key, person, 'decline')).toBe(200);
    else await transitionAs(site, key, person, row.transition);
    await settle(site);

    const after: TicketView = await readTicket(site, key);
    expect([after.status, after.property?.state]).toEqual([row.status, row.state]);
    const newInternal = after.internal.slice(before.internal.length);
    if (row.note) expect(newInternal).toEqual(expect.arrayContaining([expect.stringMatching(row.note)]));
    if (row.publicLast) expect(after.public.at(-1)).toBe(row.publicLast);
    // Declined and cancelled tickets say what happened; none is left showing an approval it no longer has.
    expect(after.property?.state).not.toBe('approved');
    if (row.connector) expect((await app().connector.client.getGrant(`${key}.1`)).state).toBe(row.connector);
    if (login && row.loginWorks !== undefined) {
      const db = await app().demoDatabase();
      if (row.loginWorks) expect((await runAs(db, login.username, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      else await expect(runAs(db, login.username, 'SELECT 1')).rejects.toMatchObject({ code: 'not_a_managed_login' });
    }
    if (row.start === 'requested') {
      // The grant job's retry comes and finds nothing to grant.
      await site.runtime.clock.advance(60_000);
      await settle(site);
      expect(await readTicket(site, key)).toMatchObject({ status: 'Denied', property: { state: 'revoked' } });
      expect((await app().connector.client.getGrant(`${key}.1`)).state).toBe('revoked');
    }
    if (row.start === 'approved' && row.state === 'granting') {
      // Put back, the grant goes on: its retry grants and the app moves the ticket itself.
      await site.runtime.clock.advance(60_000);
      await settle(site);
      expect(await readTicket(site, key)).toMatchObject({ status: 'Access granted', property: { state: 'active', grantId: `${key}.1` } });
    }
  });
});
