import type { FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../../browser/support/chromium';
import { describeWith } from '../../support/servers';
import { startSandboxProcess, type SandboxProcess } from '../e2e/sandbox-process';
import { ensureUiBuilt } from '../e2e/ui-builds';
import { raiseThroughPortalForm } from './raise-through-portal-form';

jest.setTimeout(180_000);

describeWith('postgres', "the ticket panel's SQL console on the sandbox behind the SQL gateway, in a browser", (pgUrl) => {
  let sandbox: SandboxProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  // A customer sees the access panel in the portal's request view.
  const panel = (): FrameLocator => page.frameLocator('[data-testid="portal-request-panel"]');

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

  const run = async (sql: string) => {
    await panel().getByLabel('Statement', { exact: true }).fill(sql);
    await panel().getByRole('button', { name: 'Run', exact: true }).click();
  };

  it('the requester runs statements without the password; rows, a download, a cut-off and a refusal are shown; revoking takes the console away', async () => {
    await raiseThroughPortalForm(page, sandbox.url, { summary: 'Look at the catalog on dev', database: /^shop-dev — dev/, level: /^Read-only/, reason: 'INC-92: look at the catalog' });
    await panel().getByTestId('sql-console').waitFor({ timeout: 20_000 });

    await run('SELECT current_user = session_user AS own_login, 40 + 2 AS answer');
    await panel().getByTestId('sql-summary').getByText('1 row.', { exact: true }).waitFor({ timeout: 20_000 });
    const table = panel().getByRole('table');
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['own_login', 'answer']);
    expect(await table.getByRole('cell').allTextContents()).toEqual(['t', '42']);

    // The sandbox's read level may download results: the statement runs again as an export, saved as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), panel().getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('result.csv');
    const saved = await download.createReadStream();
    let csv = '';
    for await (const chunk of saved) csv += String(chunk);
    expect(csv).toBe('"own_login","answer"\r\n"t","42"\r\n');

    await run('SELECT g FROM generate_series(1, 600) g');
    await panel().getByTestId('sql-summary').getByText('600 rows. Only the first 500 are shown.', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await panel().getByRole('table').getByRole('row').count()).toBe(501);
    await panel().getByText(/cut off at 500 rows/).waitFor();

    await run('CREATE TABLE public.console_probe (id int)');
    await panel().getByTestId('sql-refused').getByText(/^42501: permission denied/).waitFor({ timeout: 20_000 });
    expect(await panel().getByRole('table').count()).toBe(0);

    // Nothing of the above revealed the one-time password: it can still be shown, once.
    await panel().getByRole('button', { name: 'Reveal password' }).waitFor();

    await panel().getByRole('button', { name: 'Revoke now' }).click();
    // The panel's frame is as tall as the results made it: the dialog's button is reached by the keyboard.
    await panel().getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).press('Enter');
    await page.locator('[data-grant-state="revoked"]').waitFor({ timeout: 20_000 });
    await panel().getByTestId('grant-state').getByText('Revoked', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await panel().getByTestId('sql-console').count()).toBe(0);
  });
});
