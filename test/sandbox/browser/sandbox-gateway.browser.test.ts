import { execFile } from 'node:child_process';
import type { FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../../browser/support/chromium';
import { describeWith } from '../../support/servers';
import { bannerGatewayPort } from '../e2e/gateway-ticket';
import { startSandboxProcess, type SandboxProcess } from '../e2e/sandbox-process';
import { ensureUiBuilt } from '../e2e/ui-builds';
import { raiseThroughPortalForm } from './raise-through-portal-form';

jest.setTimeout(180_000);

/** Runs the panel's psql command as pasted into a shell, with one statement added. */
function paste(command: string, sql: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${command} -X -At -c "${sql}"`], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describeWith('postgres', 'the sandbox behind the SQL gateway, in a browser', (pgUrl) => {
  let sandbox: SandboxProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  // A customer sees the access panel in the portal's request view.
  const panel = (): FrameLocator => page.frameLocator('[data-testid="portal-request-panel"]');
  const panelState = (state: string) => panel().getByTestId('grant-state').getByText(state, { exact: true }).waitFor({ timeout: 20_000 });

  beforeAll(async () => {
    await ensureUiBuilt();
    sandbox = await startSandboxProcess(['--target-url', pgUrl, '--gateway']);
    chromium = await launchChromium();
    page = await chromium.context.newPage();
  });
  afterEach(() => {
    expect(chromium.cspViolations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await chromium?.close();
    await sandbox?.stop();
  });

  it("shows the gateway's psql command in the panel; pasted, it runs as the grant; resolving revokes and the ticket shows what was run", async () => {
    await raiseThroughPortalForm(page, sandbox.url, { summary: 'Count tables on dev', database: /^shop-dev — dev/, level: /^Read-only/, reason: 'INC-91: count the catalog tables' });
    await panelState('Active');

    await panel().getByRole('button', { name: 'Reveal password' }).click();
    await panel().getByRole('dialog').getByRole('button', { name: 'Reveal now' }).click();
    const username = (await panel().getByLabel('User', { exact: true }).textContent()) ?? '';
    const command = (await panel().getByLabel('psql command', { exact: true }).textContent()) ?? '';
    expect(command).toContain(`host=127.0.0.1 port=${bannerGatewayPort(sandbox.output())} `);

    const ran = await paste(command, "SELECT current_user; SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'pg_catalog'");
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ran.stdout.split('\n')[0]).toBe(username);

    // The requester resolves the ticket; the activity comment is internal, so the lead reads it once it lands
    // after the revoke and the view reloads.
    const moved = page.waitForResponse((response) => response.url().endsWith('/transitions') && response.request().method() === 'POST');
    await page.getByTestId('transition-resolve').click();
    expect((await moved).status()).toBe(204);
    await page.getByTestId('ticket-status').getByText('Resolved').waitFor();
    await page.getByTestId('user-picker').selectOption('lead@example.com');
    await page.locator('[data-grant-state="revoked"]').waitFor({ timeout: 20_000 });
    const activity = page.getByTestId('timeline').getByText(/Database activity under grant/);
    for (let attempt = 0; attempt < 20 && (await activity.count()) === 0; attempt += 1) {
      await page.reload();
      await page.getByTestId('ticket-status').waitFor();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const text = (await activity.textContent()) ?? '';
    expect(text).toContain('Sessions: 1');
    expect(text).toContain('Statements: 2 (read 2, write 0, DDL 0, other 0)');
    expect(text).toContain('Tables touched: pg_catalog.pg_tables');
    expect((await paste(command, 'SELECT 1')).stderr).toMatch(/password authentication failed/);
  });
});
