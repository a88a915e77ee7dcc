import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../connector/support/harness';
import { startSandboxProcess, type SandboxProcess } from '../sandbox/e2e/sandbox-process';
import { ensureUiBuilt } from '../sandbox/e2e/ui-builds';
import { launchChromium, seriousViolations } from './support/chromium';
import { sandboxRest } from './support/sandbox-rest';
import { publishScreenshot } from '../support/doc-images';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui');
const ADMIN = 'admin@example.com';
const REQUESTER = 'ana@example.com';
const APPROVER = 'lead@example.com';
type Theme = 'light' | 'dark';
type PageType = 'jira:adminPage' | 'jira:issuePanel';

/**
 * The built pages in headless Chromium as `npm start` serves them (its own process): each page with the
 * bridge shim for the signed-in user, the app's real resolvers, the JSM emulator and the connector with
 * its embedded PostgreSQL server behind them.
 */
describe('Custom UI in the browser', () => {
  let sandbox: SandboxProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: BrowserContext;
  let rest: Awaited<ReturnType<typeof sandboxRest>>;

  beforeAll(async () => {
    await ensureUiBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandboxProcess();
    rest = await sandboxRest(sandbox.url);
    chromium = await launchChromium();
    browser = chromium.context;
  });
  // Forge serves the pages with @forge/csp's policy for this manifest (so does the sandbox): nothing may be refused.
  afterEach(() => {
    expect(chromium.cspViolations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await chromium?.close();
    await sandbox?.stop();
  });

  /** A page as the sandbox frames it for a user: /app/<moduleKey>/ with the user, theme and ticket. */
  const open = async (type: PageType, as: string, theme: Theme = 'light', issue?: string): Promise<Page> => {
    const moduleKey = rest.info.pages.find((candidate) => candidate.type === type)?.moduleKey;
    if (moduleKey === undefined) throw new Error(`the app declares no ${type}`);
    const page = await browser.newPage();
    await page.emulateMedia({ colorScheme: theme });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const query = new URLSearchParams({ as, theme, ...(issue ? { issue } : {}) });
    await page.goto(`${sandbox.url}/app/${moduleKey}/?${query.toString()}`);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-theme') !== null);
    expect(errors).toEqual([]);
    return page;
  };
  /** A full-page screenshot under test-artifacts/ui; one light and one dark per page also for the README (see publishScreenshot). */
  const shoot = async (page: Page, name: string, toDocs = false) => {
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (toDocs) publishScreenshot(file, `${name}.png`);
  };
  const accessible = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);
  const waitForState = (key: string, state: string) => waitFor(async () => ((await rest.state(APPROVER, key)) === state ? state : undefined), 30_000, 200);

  it('an admin adds a rule, saves it, and sees the simulator verdict change', async () => {
    const page = await open('jira:adminPage', ADMIN);
    await page.getByRole('tab', { name: 'Policies' }).click();
    await page.getByRole('button', { name: 'Simulate' }).click();
    const verdict = page.getByRole('region', { name: 'Verdict' });
    await verdict.getByText('Approved automatically').waitFor();
    expect(await verdict.textContent()).toContain('Decided by Read-only on dev is automatic (read-only-dev)');

    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await page.getByLabel('Rule id').fill('freeze-dev');
    await page.getByLabel('Rule name').fill('Freeze dev');
    await form.getByRole('checkbox', { name: 'Read-only troubleshooting' }).check();
    await page.getByLabel('Then', { exact: true }).click();
    await page.getByRole('option', { name: 'Deny' }).click();
    await form.getByRole('button', { name: 'Add rule' }).click();
    for (let step = 0; step < 3; step += 1) await page.getByRole('button', { name: 'Move up Freeze dev' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('The policy has unsaved changes').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Simulate' }).click();
    await verdict.getByText('Decided by Freeze dev').waitFor();
    expect(await verdict.textContent()).toContain('Denied');

    await page.getByRole('button', { name: 'Delete Freeze dev' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('The policy has unsaved changes').waitFor({ state: 'detached' });
    await accessible(page);
    await shoot(page, 'admin-page-policies-light', true);
    await page.close();

    const dark = await open('jira:adminPage', ADMIN, 'dark');
    await dark.getByRole('tab', { name: 'Policies' }).click();
    await dark.getByRole('button', { name: 'Simulate' }).click();
    await dark.getByRole('region', { name: 'Verdict' }).getByText('Approved automatically').waitFor();
    expect(await dark.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe('dark');
    await accessible(dark);
    await shoot(dark, 'admin-page-policies-dark', true);
    for (const [tab, name] of [['Connector', 'connector'], ['Setup', 'setup']] as const) {
      await dark.getByRole('tab', { name: tab }).click();
      // The Setup tab checks on opening; its loading button's label is faded under the spinner until the answer
      // comes, which a loaded machine can leave for the accessibility check to see.
      if (tab === 'Setup') await dark.getByRole('list', { name: 'Setup checklist' }).waitFor();
      await accessible(dark);
      await shoot(dark, `admin-page-${name}-dark`);
    }
    await dark.close();
  });

  it('the requester reveals the password once; it works; it cannot be revealed again', async () => {
    const key = await rest.raise(REQUESTER, 'shop-dev', 'read-only', 'PT1H');
    await waitForState(key, 'active');
    const page = await open('jira:issuePanel', REQUESTER, 'light', key);
    await page.getByTestId('grant-state').getByText('Active').waitFor();
    expect(await page.getByRole('timer').textContent()).toMatch(/ left$/);
    await accessible(page);
    await shoot(page, 'ticket-panel-active-light', true);

    await page.getByRole('button', { name: 'Reveal password' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reveal now' }).click();
    const password = (await page.getByLabel('Password', { exact: true }).textContent()) ?? '';
    const username = (await page.getByLabel('User', { exact: true }).textContent()) ?? '';
    // The sandbox's targets sit behind the SQL gateway: the panel's psql command names it, and the password works there.
    const command = (await page.getByLabel('psql command', { exact: true }).textContent()) ?? '';
    const connect = /host=(\S+) port=(\d+) dbname=(\S+) user=(\S+)"/.exec(command);
    expect(connect?.[4]).toBe(username);
    const client = new Client({ host: connect?.[1], port: Number(connect?.[2]), database: connect?.[3], user: username, password });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    // The sandbox's own server (its port is in postmaster.pid) refuses that password: it opens the gateway only,
    // and neither the demo database nor any other can be reached around it.
    const serverPort = Number(readFileSync(join(sandbox.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]);
    for (const database of [connect?.[3], 'shop_prod', 'postgres']) {
      const direct = new Client({ host: '127.0.0.1', port: serverPort, database, user: username, password });
      await expect(direct.connect()).rejects.toThrow(/password authentication failed/);
    }

    await page.reload();
    await page.getByText(/^The password was revealed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/).waitFor();
    expect(await page.getByRole('button', { name: 'Reveal password' }).count()).toBe(0);
    expect(await page.content()).not.toContain(password);
    expect(await rest.resolver(REQUESTER, 'revealCredential', key)).toMatchObject({ ok: false });
    await page.close();

    const dark = await open('jira:issuePanel', REQUESTER, 'dark', key);
    await dark.getByText(/^The password was revealed at/).waitFor();
    await accessible(dark);
    await shoot(dark, 'ticket-panel-active-dark', true);
    await dark.close();
  });

  it('an admin reads the audit: people by name, times with their zone, nothing cut off', async () => {
    const key = await rest.raise(REQUESTER, 'shop-dev', 'read-only', 'PT1H');
    await waitForState(key, 'active');
    const page = await open('jira:adminPage', ADMIN);
    await page.getByRole('tab', { name: 'Audit' }).click();
    await page.getByRole('button', { name: 'Show grants' }).click();
    const table = page.getByRole('table', { name: 'Grants in the range' });
    const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: key, exact: true }) });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 5)).toEqual([key, 'Ana Lima', 'policy: Read-only on dev is automatic', 'shop-dev', 'read-only']);
    expect(cells[5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // No account id anywhere a person is named, and no cell wider than its column.
    expect(await table.textContent()).not.toMatch(/[0-9a-f]{24}/);
    const clipped = await table.evaluate((element) => [...element.querySelectorAll('td, th')].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).length);
    expect(clipped).toBe(0);
    await accessible(page);
    await shoot(page, 'admin-page-audit-light');
    await page.close();
  });

  it('the targets and access levels tables name themselves once and keep every word whole, wide and narrow', async () => {
    const page = await open('jira:adminPage', ADMIN);
    await page.getByRole('tab', { name: 'Targets and access levels' }).click();
    await page.getByRole('table', { name: 'Access levels' }).getByRole('row', { name: /Read-only troubleshooting/ }).waitFor();
    const panel = page.getByRole('tabpanel');
    expect(await panel.getByRole('heading').allTextContents()).toEqual(['Database targets', 'Access levels']);
    expect(await panel.locator('caption').count()).toBe(0);
    for (const width of [912, 560]) {
      await page.setViewportSize({ width, height: 900 });
      // A word drawn on more than one line was broken inside it (a break after a hyphen is a line break like a space).
      const broken = await panel.evaluate((element) => {
        const words: string[] = [];
        for (const cell of element.querySelectorAll('th, td')) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of (node.textContent ?? '').matchAll(/[^\s-]+-?/g)) {
              const range = document.createRange();
              range.setStart(node, word.index);
              range.setEnd(node, word.index + word[0].length);
              if (new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top))).size > 1) words.push(word[0]);
            }
          }
        }
        return words;
      });
      expect({ width, broken }).toEqual({ width, broken: [] });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
    await accessible(page);
    await page.close();
  });

  it('an approver sees a request waiting for approval, approves it in JSM, and revokes the access', async () => {
    const key = await rest.raise(REQUESTER, 'shop-prod', 'read-only', 'PT1H');
    await waitForState(key, 'awaiting-approval');
    for (const theme of ['dark', 'light'] as const) {
      const waiting = await open('jira:issuePanel', APPROVER, theme, key);
      await waiting.getByTestId('grant-state').getByText('Waiting for approval').waitFor();
      expect(await waiting.getByLabel('Access details').textContent()).toContain('waiting for 1 of dba-leads');
      await accessible(waiting);
      await shoot(waiting, `ticket-panel-waiting-${theme}`);
      await waiting.close();
    }

    await rest.approve(APPROVER, key);
    await waitForState(key, 'active');
    const page = await open('jira:issuePanel', APPROVER, 'light', key);
    await page.getByTestId('grant-state').getByText('Active').waitFor();
    expect(await page.getByText('Only the requester can reveal the password.').count()).toBe(1);
    await page.getByRole('button', { name: 'Revoke now' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('This cannot be undone.');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText(/^(Access is revoked\.|Revocation requested; the connector is removing the login\.)$/).waitFor();
    await waitForState(key, 'revoked');
    await page.reload();
    await page.getByTestId('grant-state').getByText('Revoked').waitFor();
    expect(await page.getByRole('button', { name: 'Revoke now' }).count()).toBe(0);
    await accessible(page);
    await shoot(page, 'ticket-panel-revoked-light');
    await page.close();
  });

  it('works with the keyboard alone', async () => {
    const page = await open('jira:adminPage', ADMIN);
    const focused = () => page.evaluate(() => `${document.activeElement?.getAttribute('role') ?? document.activeElement?.tagName.toLowerCase()}:${document.activeElement?.textContent?.trim() ?? ''}`);
    const tabTo = async (wanted: string, limit = 120) => {
      for (let press = 0; press < limit; press += 1) {
        if ((await focused()) === wanted) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${wanted}; focus is on ${await focused()}`);
    };
    await page.getByRole('tab', { name: 'Connector' }).waitFor();
    await tabTo('tab:Connector');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('tab:Policies');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('tab', { name: 'Policies' }).getAttribute('aria-selected')).toBe('true');
    await tabTo('button:Simulate');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Verdict' }).waitFor();
    await page.close();

    const key = await rest.raise(REQUESTER, 'shop-prod', 'read-only', 'PT1H');
    await waitForState(key, 'awaiting-approval');
    const panel = await open('jira:issuePanel', REQUESTER, 'light', key);
    await panel.getByTestId('grant-state').waitFor();
    const panelFocus = () => panel.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let press = 0; press < 20 && (await panelFocus()) !== 'Cancel request'; press += 1) await panel.keyboard.press('Tab');
    await panel.keyboard.press('Enter');
    await panel.getByRole('dialog').waitFor();
    expect(await panel.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')))).toBe(true);
    await panel.keyboard.press('Escape');
    await panel.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await rest.state(APPROVER, key)).toBe('awaiting-approval');

    // Cancelling a request still waiting for approval, by keyboard (nothing was granted, so nothing is revoked).
    for (let press = 0; press < 20 && (await panelFocus()) !== 'Cancel request'; press += 1) await panel.keyboard.press('Tab');
    await panel.keyboard.press('Enter');
    await panel.getByRole('dialog').waitFor();
    for (let press = 0; press < 10 && (await panelFocus()) !== 'Yes, cancel'; press += 1) await panel.keyboard.press('Tab');
    await panel.keyboard.press('Enter');
    await waitForState(key, 'revoked');
    expect(await rest.status(APPROVER, key)).toBe('Canceled');
    await panel.close();
  });
});
