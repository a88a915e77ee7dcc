import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { FrameLocator, Page } from 'playwright-core';
import { launchChromium, seriousViolations } from '../../browser/support/chromium';
import { publishScreenshot } from '../../support/doc-images';
import { describeWith } from '../../support/servers';
import { startSandboxProcess, type SandboxProcess } from '../e2e/sandbox-process';
import { ensureUiBuilt } from '../e2e/ui-builds';
import { raiseThroughPortalForm } from './raise-through-portal-form';

jest.setTimeout(180_000);

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

describeWith('postgres', "the ticket panel's SQL console on the sandbox behind the SQL gateway, in a browser", (pgUrl) => {
  let sandbox: SandboxProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  // A customer sees the access panel in the portal's request view.
  const panel = (): FrameLocator => page.frameLocator('[data-testid="portal-request-panel"]');

  beforeAll(async () => {
    // The sandbox masks customers.email on shop-prod: a table of the URL's `public` for the read level to see.
    admin = new Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query('DROP TABLE IF EXISTS public.customers');
    await admin.query('CREATE TABLE public.customers (id int PRIMARY KEY, name text, email text)');
    await admin.query("INSERT INTO public.customers VALUES (1, 'Ana', 'ana@secret.example')");
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
    await admin?.query('DROP TABLE IF EXISTS public.customers');
    await admin?.end();
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

  /** A resolver called as one of the sandbox's people, as the README's walk-through calls them. */
  const resolverAs = async (email: string, functionKey: string, issueKey: string, payload: Record<string, unknown>) => {
    const response = await fetch(`${sandbox.url}/sandbox/api/resolver`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${email}:any-token`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey, issueKey, payload }),
    });
    return ((await response.json()) as { result: unknown }).result;
  };

  it("on production: the schema hints show what the grant may use, masked columns marked; rows come back masked; the level's guard refuses; nobody else gets the console; after a revoke it stops", async () => {
    await raiseThroughPortalForm(page, sandbox.url, { summary: 'Look at a customer on prod', database: /^shop-prod — prod/, level: /^Read-only/, reason: 'INC-93: a customer record' }, false);
    const key = /DBA-\d+$/.exec(page.url())?.[0] ?? '';
    await page.getByTestId('user-picker').selectOption('lead@example.com');
    await page.getByTestId('approve').click();
    await page.locator('[data-grant-state="active"]').waitFor({ timeout: 20_000 });
    // The lead approved it but is not its requester: no console, and its resolvers refuse the lead.
    const issuePanel = page.frameLocator('[data-testid="issue-panel"]');
    await issuePanel.getByTestId('grant-state').getByText('Active', { exact: true }).waitFor({ timeout: 20_000 });
    await issuePanel.getByText('Only the requester can reveal the password.').waitFor();
    expect(await issuePanel.getByTestId('sql-console').count()).toBe(0);
    for (const [functionKey, payload] of [['runQuery', { sql: 'SELECT email FROM customers' }], ['getSchema', {}]] as const) {
      expect(await resolverAs('lead@example.com', functionKey, key, payload)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }

    await page.getByTestId('user-picker').selectOption('ana@example.com');
    await panel().getByTestId('sql-console').waitFor({ timeout: 20_000 });
    const hints = panel().getByTestId('schema-list');
    await hints.getByRole('button', { name: 'Add table customers' }).waitFor({ timeout: 20_000 });
    expect(await hints.getByRole('list', { name: 'Columns of customers' }).getByRole('button').allTextContents()).toEqual(['id', 'name', 'email']);
    await hints.getByRole('button', { name: 'Add column email (masked)' }).waitFor();
    await hints.getByText('masked: email', { exact: true }).waitFor();

    // Typing completes a table's name from the hints; the statement runs with the address masked.
    await panel().getByLabel('Statement', { exact: true }).fill('SELECT name, email FROM cust');
    await panel().getByRole('group', { name: 'Complete the name' }).getByRole('button', { name: 'customers', exact: true }).click();
    expect(await panel().getByLabel('Statement', { exact: true }).inputValue()).toBe('SELECT name, email FROM customers');
    await panel().getByRole('button', { name: 'Run', exact: true }).click();
    await panel().getByTestId('sql-summary').getByText('1 row.', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await panel().getByRole('table').getByRole('cell').allTextContents()).toEqual(['Ana', 'a***@secret.example']);
    // The hints, the completions and the masked result pass axe-core's serious and critical checks.
    const panelFrame = page.frames().find((frame) => frame.url().includes('/app/jit-portal-request/'));
    if (!panelFrame) throw new Error('the portal request panel has no frame');
    expect(await seriousViolations(panelFrame)).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'console-schema.png');
    await page.getByTestId('portal-request-panel').screenshot({ path: file });
    publishScreenshot(file, 'changes/console-schema.png');

    // The production read level's guard refuses a write before it reaches the database, and the page says why.
    await run("UPDATE customers SET name = 'Bo' WHERE id = 1");
    await panel().getByTestId('sql-refused').getByText(/refused by the gateway's read-only guard/).waitFor({ timeout: 20_000 });
    expect((await admin.query('SELECT name FROM public.customers')).rows).toEqual([{ name: 'Ana' }]);

    // Revoked elsewhere while the page still shows the console: its next statement is refused, and the page says access ended.
    expect(await resolverAs('ana@example.com', 'revokeNow', key, {})).toMatchObject({ ok: true });
    await run('SELECT name FROM customers');
    await panel().getByRole('alert').getByText(/Access is not active, so no statement can be run/).waitFor({ timeout: 20_000 });
    expect(await panel().getByRole('table').count()).toBe(0);
  });
});
