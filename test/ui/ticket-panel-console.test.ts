/**
 * @jest-environment ./test/ui/support/jsdom-with-node.ts
 */
import { stubDesignSystemStyles } from './support/stub-styles';
stubDesignSystemStyles();
import { cleanup, screen, waitFor } from '@testing-library/react';
import type { AppUnderTest } from '../app/support/install-app';
import { raise, resolveOk } from '../app/support/ticket';
import { startAppForPage, stopAppForPage } from './support/app-for-page';
import { emulatorBridge } from './support/emulator-bridge';
import { renderPage } from './support/render-page';

jest.setTimeout(60_000);

/**
 * Where the ticket panel offers no SQL console. Running statements in it (a target behind the SQL gateway,
 * which does not run inside jsdom's realm) is test/sandbox/browser/sandbox-console.browser.test.ts.
 */
describe('the ticket panel without a SQL console', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startAppForPage();
  });
  afterEach(cleanup);
  afterAll(() => stopAppForPage(app));

  const stateShown = async (label: string) => waitFor(() => expect(screen.getByTestId('grant-state').textContent).toBe(label), { timeout: 10_000 });
  const asked = () => app.site.runtime.inspect.invocations().filter((invocation) => invocation.detail.includes('getActivity')).length;

  it('a direct target: the requester’s panel asks whether the target is behind the gateway, and shows no console', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const before = asked();
    renderPage('panel', emulatorBridge(site, site.people.requester, key));
    await stateShown('Active');
    // One question from the live count, one from the console.
    await waitFor(() => expect(asked()).toBe(before + 2), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(screen.queryByTestId('sql-console')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Run' })).toBeNull();
  });

  it('ended access: the console does not ask at all', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    await resolveOk(site, site.people.requester, 'revokeNow', {}, key);
    const before = asked();
    renderPage('panel', emulatorBridge(site, site.people.requester, key));
    await stateShown('Revoked');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(asked()).toBe(before);
    expect(screen.queryByTestId('sql-console')).toBeNull();
  });
});
