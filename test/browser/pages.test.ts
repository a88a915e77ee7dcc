import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../connector/support/harness';
import { launchChromium, seriousViolations } from './support/chromium';
import { hostPages } from './support/page-host';
import { sandboxRest } from './support/sandbox-rest';
import { startSandbox } from './support/sandbox-process';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui');
const DOC_IMAGES = join(ROOT, 'docs', 'images');
const ADMIN = 'admin@example.com';
const REQUESTER = 'ana@example.com';
const APPROVER = 'lead@example.com';
type Theme = 'light' | 'dark';

/**
 * The built pages in headless Chromium, hosted with the bridge shim on the sandbox of `npm start`: the
 * app's real resolvers, the JSM emulator and the connector with its embedded databases behind them.
 */
describe('Custom UI in the browser', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let host: Awaited<ReturnType<typeof hostPages>>;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: BrowserContext;
  let rest: Awaited<ReturnType<typeof sandboxRest>>;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'static/admin-page/vite.config.mts'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'static/ticket-panel/vite.config.mts'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox();
    rest = await sandboxRest(sandbox.url);
    host = await hostPages(sandbox.url, rest.info.users);
    chromium = await launchChromium();
    browser = chromium.context;
  });
  afterAll(async () => {
    await chromium?.close();
    await host?.close();
    await sandbox?.stop();
  });

  const open = async (path: string, as: string, theme: Theme = 'light', issue?: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.emulateMedia({ colorScheme: theme });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${host.url}/${path}/?as=${encodeURIComponent(as)}&theme=${theme}${issue ? `&issue=${issue}` : ''}`);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-theme') !== null);
    expect(errors).toEqual([]);
    return page;
  };
  /** A full-page screenshot under test-artifacts/ui, and for the README under docs/images. */
  const shoot = async (page: Page, name: string, toDocs = false) => {
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (toDocs) {
      mkdirSync(DOC_IMAGES, { recursive: true });
      copyFileSync(file, join(DOC_IMAGES, `${name}.png`));
    }
  };
  const accessible = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);
  const waitForState = (key: string, state: string) => waitFor(async () => ((await rest.state(APPROVER, key)) === state ? state : undefined), 30_000, 200);

  it('an admin adds a rule, saves it, and sees the simulator verdict change', async () => {
    const page = await open('admin-page', ADMIN);
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

    const dark = await open('admin-page', ADMIN, 'dark');
    await dark.getByRole('tab', { name: 'Policies' }).click();
    await dark.getByRole('button', { name: 'Simulate' }).click();
    await dark.getByRole('region', { name: 'Verdict' }).getByText('Approved automatically').waitFor();
    expect(await dark.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe('dark');
    await accessible(dark);
    await shoot(dark, 'admin-page-policies-dark', true);
    for (const [tab, name] of [['Connector', 'connector'], ['Setup', 'setup']] as const) {
      await dark.getByRole('tab', { name: tab }).click();
      await accessible(dark);
      await shoot(dark, `admin-page-${name}-dark`);
    }
    await dark.close();
  });

  it('the requester reveals the password once; it works; it cannot be revealed again', async () => {
    const key = await rest.raise(REQUESTER, 'shop-dev', 'read-only', 'PT1H');
    await waitForState(key, 'active');
    const page = await open('ticket-panel', REQUESTER, 'light', key);
    await page.getByTestId('grant-state').getByText('Active').waitFor();
    expect(await page.getByRole('timer').textContent()).toMatch(/ left$/);
    await accessible(page);
    await shoot(page, 'ticket-panel-active-light', true);

    await page.getByRole('button', { name: 'Reveal password' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reveal now' }).click();
    const password = (await page.getByLabel('Password', { exact: true }).textContent()) ?? '';
    const username = (await page.getByLabel('User', { exact: true }).textContent()) ?? '';
    expect(await page.getByLabel('psql command', { exact: true }).textContent()).toContain(`user=${username}`);
    const used = await rest.sql('shop-dev', username, password, 'SELECT 1 AS one');
    expect(used.status).toBe(200);

    await page.reload();
    await page.getByText(/^The password was revealed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/).waitFor();
    expect(await page.getByRole('button', { name: 'Reveal password' }).count()).toBe(0);
    expect(await page.content()).not.toContain(password);
    expect(await rest.resolver(REQUESTER, 'revealCredential', key)).toMatchObject({ ok: false });
    await page.close();

    const dark = await open('ticket-panel', REQUESTER, 'dark', key);
    await dark.getByText(/^The password was revealed at/).waitFor();
    await accessible(dark);
    await shoot(dark, 'ticket-panel-active-dark', true);
    await dark.close();
  });

  it('an approver sees a request waiting for approval, approves it in JSM, and revokes the access', async () => {
    const key = await rest.raise(REQUESTER, 'shop-prod', 'read-only', 'PT1H');
    await waitForState(key, 'awaiting-approval');
    for (const theme of ['dark', 'light'] as const) {
      const waiting = await open('ticket-panel', APPROVER, theme, key);
      await waiting.getByTestId('grant-state').getByText('Waiting for approval').waitFor();
      expect(await waiting.getByLabel('Access details').textContent()).toContain('waiting for 1 of dba-leads');
      await accessible(waiting);
      await shoot(waiting, `ticket-panel-waiting-${theme}`, true);
      await waiting.close();
    }

    await rest.approve(APPROVER, key);
    await waitForState(key, 'active');
    const page = await open('ticket-panel', APPROVER, 'light', key);
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
    const page = await open('admin-page', ADMIN);
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
    const panel = await open('ticket-panel', APPROVER, 'light', key);
    await panel.getByTestId('grant-state').waitFor();
    const panelFocus = () => panel.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let press = 0; press < 20 && (await panelFocus()) !== 'Revoke now'; press += 1) await panel.keyboard.press('Tab');
    await panel.keyboard.press('Enter');
    await panel.getByRole('dialog').waitFor();
    expect(await panel.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')))).toBe(true);
    await panel.keyboard.press('Escape');
    await panel.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await rest.state(APPROVER, key)).toBe('awaiting-approval');
    await panel.close();
  });
});
