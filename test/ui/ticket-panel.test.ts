/**
 * @jest-environment ./test/ui/support/jsdom-with-node.ts
 */
import { stubDesignSystemStyles } from './support/stub-styles';
stubDesignSystemStyles();
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { runAs } from '../../src/connector/drivers/pglite';
import { readableTime } from '../../src/core';
import { settle } from '../app/support/app-site';
import type { AppUnderTest } from '../app/support/install-app';
import { answerApproval, raise, readTicket, resolveOk } from '../app/support/ticket';
import { waitFor as waitUntil } from '../connector/support/harness';
import { startAppForPage, stopAppForPage } from './support/app-for-page';
import { emulatorBridge } from './support/emulator-bridge';
import { approvedChange, grantOf } from './support/panel-site';
import { renderPage } from './support/render-page';

jest.setTimeout(90_000);

/** The ticket panel in every state, with the app's resolvers answering on the emulators. */
describe('ticket panel', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startAppForPage();
  });
  afterEach(cleanup);
  afterAll(() => stopAppForPage(app));

  const panel = (accountId: string, key: string) => renderPage('panel', emulatorBridge(app.site, accountId, key));
  const stateShown = async (label: string) => waitFor(() => expect(screen.getByTestId('grant-state').textContent).toBe(label), { timeout: 10_000 });
  // The result banner is filled in after it mounts, so it is read until it says something.
  const resultShown = async (expected: string | RegExp) =>
    waitFor(
      () => {
        const text = screen.getByRole('status').textContent ?? '';
        if (typeof expected === 'string') expect(text).toBe(expected);
        else expect(text).toMatch(expected);
      },
      { timeout: 10_000 },
    );
  const confirm = async (user: ReturnType<typeof userEvent.setup>, button: string, confirmLabel: string) => {
    await user.click(screen.getByRole('button', { name: button }));
    await user.click(await screen.findByRole('button', { name: confirmLabel }));
  };

  it('active access: details and a live countdown; the requester reveals the password once, and it works', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H', justification: 'INC-1' });
    const user = userEvent.setup();
    panel(site.people.requester, key);
    await stateShown('Active');
    const details = screen.getByLabelText('Access details');
    expect(within(details).getByText('demo')).toBeTruthy();
    expect(within(details).getByText('read-only (role read)')).toBeTruthy();
    expect(within(details).getByText('rule "Read-only on dev is automatic"')).toBeTruthy();
    expect(within(details).getByText('no approver needed')).toBeTruthy();
    const first = screen.getByRole('timer').textContent ?? '';
    expect(first).toMatch(/^(59 min \d\d s|1 h 00 min 00 s) left$/);
    await waitFor(() => expect(screen.getByRole('timer').textContent).not.toBe(first), { timeout: 3000 });

    await confirm(user, 'Reveal password', 'Reveal now');
    const password = (await screen.findByLabelText('Password')).textContent ?? '';
    const username = screen.getByLabelText('User').textContent ?? '';
    expect(username).toMatch(/^jit_/);
    expect(password.length).toBeGreaterThanOrEqual(16);
    // demo is an embedded (PGlite) target: no client command, no address at all.
    expect(screen.getByTestId('connect-note').textContent).toBe("This is the connector's embedded demo database (PGlite): it has no network address, so no database client reaches it.");
    expect(screen.queryByLabelText('psql command')).toBeNull();
    expect(screen.queryByLabelText('mysql command')).toBeNull();
    expect(screen.queryByLabelText('Connection string')).toBeNull();
    await expect(runAs(await app.demoDatabase(), username, 'SELECT count(*)::int AS n FROM shop.orders')).resolves.toMatchObject({ rows: [{ n: 6 }] });

    cleanup();
    panel(site.people.requester, key);
    await stateShown('Active');
    const revealedAt = (await grantOf(app, key)).credential?.revealedAt ?? '';
    expect(await screen.findByText(new RegExp(`^The password was revealed at ${revealedAt.slice(0, 19).replace('T', ' ')} UTC`))).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reveal password' })).toBeNull();
    expect(document.body.textContent).not.toContain(password);
  });

  it('nobody but the requester can reveal; another customer cannot see the grant at all', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    panel(site.people.agent, key);
    await stateShown('Active');
    expect(screen.getByText('Only the requester can reveal the password.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reveal password' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Request extension' })).toBeNull();
    cleanup();

    panel(site.people.requester2, key);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This action needs one of these roles: requester, approver, agent, admin.');
    expect(screen.queryByTestId('grant-state')).toBeNull();
  });

  it('the requester asks for an extension and sees the new end', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const before = (await grantOf(app, key)).window?.notAfter ?? '';
    const user = userEvent.setup();
    panel(site.people.requester, key);
    await stateShown('Active');
    await confirm(user, 'Request extension', 'Request');
    const after = new Date(Date.parse(before) + 3_600_000).toISOString();
    // What was decided in sentences, not the policy's trace (its reasons are lower-case clauses).
    expect(await screen.findByText(`Extended. Access now ends at ${readableTime(after)}, 1 hour later.`)).toBeTruthy();
    expect((await grantOf(app, key)).window?.notAfter).toBe(after);
    await waitFor(() => expect(within(screen.getByLabelText('Lifecycle')).getAllByRole('listitem').map((item) => item.textContent)).toContainEqual(expect.stringContaining('Extended (Active → Active), by the app')));
  });

  it('an extension sent to approvers: the requester sees it waiting; an approver approves it in the panel', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 3' });
    await answerApproval(site, key, site.people.approver, 'approve');
    await waitUntil(async () => ((await grantOf(app, key)).state === 'active' ? true : undefined), 10_000, 100);
    const before = (await grantOf(app, key)).window?.notAfter ?? '';
    const user = userEvent.setup();
    panel(site.people.requester, key);
    await stateShown('Active');
    await confirm(user, 'Request extension', 'Request');
    await resultShown('Your extension by 1 hour needs approval by DBA leads. Access stays as it is until then; you will be told here when it is decided.');
    await waitFor(() => expect(screen.getByTestId('pending-extension').textContent).toMatch(/^An extension by 1 hour was asked at .* UTC and waits for DBA leads\. Access stays as it is until then\.$/));
    expect(screen.queryByRole('button', { name: 'Request extension' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Approve extension' })).toBeNull();
    cleanup();

    panel(site.people.approver2, key);
    await stateShown('Active');
    expect(screen.getByRole('button', { name: 'Revoke now' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Decline extension' })).toBeTruthy();
    await confirm(user, 'Approve extension', 'Approve');
    const after = new Date(Date.parse(before) + 3_600_000).toISOString();
    await resultShown(`Extended. Access now ends at ${readableTime(after)}, 1 hour later.`);
    await waitFor(() => expect(screen.queryByTestId('pending-extension')).toBeNull());
    expect(screen.queryByRole('button', { name: 'Approve extension' })).toBeNull();
    expect((await grantOf(app, key)).window?.notAfter).toBe(after);
  });

  it('waiting for approval: who must approve; the requester cancels (nothing to revoke) with confirmation and sees the result', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 3' });
    const user = userEvent.setup();
    panel(site.people.requester, key);
    await stateShown('Waiting for approval');
    expect(within(screen.getByLabelText('Access details')).getByText('waiting for 1 of dba-leads')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Revoke now' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Cancel request' }));
    expect(await screen.findByText('The request is withdrawn before anyone approved it. Nothing was granted, so nothing is revoked.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Yes, cancel' }));
    await resultShown('The request is cancelled; nothing was granted.');
    await stateShown('Revoked');
    expect((await grantOf(app, key)).state).toBe('revoked');
    expect(screen.queryByRole('button', { name: 'Cancel request' })).toBeNull();
    const ticket = await readTicket(site, key);
    expect(ticket.status).toBe('Canceled');
    expect(ticket.public.at(-1)).toBe('The request was cancelled before access started; nothing was granted. Raise a new request if you still need access.');
  });

  it('scheduled: counts down to the start of the change window', async () => {
    const { site } = app;
    const start = Date.now() + 2 * 3_600_000;
    const change = await approvedChange(app, start, start + 3_600_000);
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'maintenance', change });
    panel(site.people.requester, key);
    await stateShown('Scheduled');
    expect(screen.getByRole('timer').textContent).toMatch(/^Starts in (1 h 59 min|2 h 00 min) \d\d s$/);
    expect(screen.getByText('Approved; access starts when its window opens.')).toBeTruthy();
  });

  it('denied: the reasons in plain words, no actions, and whom to ask', async () => {
    const { site } = app;
    const current = (await resolveOk(site, site.people.admin, 'getSettings')) as { settings: unknown; appConfig: Record<string, unknown> };
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: { ...current.appConfig, contact: 'the DBA team (#dba-help)' } });
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'schema-change' });
    panel(site.people.requester, key);
    await stateShown('Denied');
    expect(within(screen.getByLabelText('Decision reasons')).getByText('The target demo does not offer Schema change (connector role ddl).')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('Questions about this access? Ask the DBA team (#dba-help).')).toBeTruthy();
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: current.appConfig });
  });

  it('expired: the timeline shows the whole lifecycle', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT2S' });
    await waitUntil(async () => ((await grantOf(app, key)).state === 'expired' ? true : undefined), 15_000, 200);
    panel(site.people.requester, key);
    await stateShown('Expired');
    const steps = within(screen.getByLabelText('Lifecycle')).getAllByRole('listitem').map((item) => item.textContent ?? '');
    expect(steps.map((step) => /UTC: ([^(]+) \(/.exec(step)?.[1])).toEqual(['Approved by policy', 'Granting started', 'Access granted', 'Expired']);
    expect(steps[0]).toContain('(Requested → Approved), by the app (rule "Read-only on dev is automatic")');
    expect(within(screen.getByLabelText('Access details')).getByText('Rita Requester')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('a grant stuck on an unreachable connector: an admin retries it (an agent is not offered it); when retries run out it fails, and an admin retries it under a new grant id', async () => {
    const { site } = app;
    const current = (await resolveOk(site, site.people.admin, 'getSettings')) as { settings: unknown; appConfig: Record<string, unknown> };
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: { ...current.appConfig, maxGrantAttempts: 2 } });
    await app.connector.stop();
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const user = userEvent.setup();
    panel(site.people.agent, key);
    await stateShown('Granting');
    expect(screen.queryByRole('button', { name: 'Retry grant' })).toBeNull();
    cleanup();
    panel(site.people.admin, key);
    await stateShown('Granting');
    expect(within(screen.getByLabelText('Access details')).getByText(/^unreachable: .* \(after 1 attempt\)$/)).toBeTruthy();
    await confirm(user, 'Retry grant', 'Retry');
    await resultShown('The grant was queued again.');
    await act(async () => {
      await settle(site);
    });
    cleanup();

    panel(site.people.agent, key);
    await stateShown('Failed');
    expect(screen.getByText('Access could not be granted; an administrator can retry it.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry grant' })).toBeNull();
    cleanup();
    await app.restartConnector();
    panel(site.people.admin, key);
    await stateShown('Failed');
    expect(within(screen.getByLabelText('Access details')).getByText(/^unreachable: .* \(after 2 attempts\)$/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry grant' }));
    expect(await screen.findByText('The ticket goes back to the approved status and the app asks the connector for access again under a new grant id, with a fresh set of attempts.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await resultShown(`The grant was retried under the new grant id ${key}.2.`);
    await act(async () => {
      await settle(site);
    });
    cleanup();
    panel(site.people.admin, key);
    await stateShown('Active');
    expect(screen.queryByRole('button', { name: 'Retry grant' })).toBeNull();
    expect(within(screen.getByLabelText('Access details')).queryByText(/unreachable/)).toBeNull();
    const steps = within(screen.getByLabelText('Lifecycle')).getAllByRole('listitem').map((item) => item.textContent ?? '');
    expect(steps.map((step) => /UTC: ([^(]+) \(/.exec(step)?.[1]).slice(-3)).toEqual(['Granting failed', 'Retried', 'Access granted']);
    expect(steps.at(-2)).toContain('Retried (Failed → Granting), by Rita Admin. After 2 failed attempts: unreachable');
    expect((await grantOf(app, key)).grantId).toBe(`${key}.2`);
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: current.appConfig });
  });
});
