import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { startSandboxProcess, type SandboxProcess } from '../e2e/sandbox-process';

jest.setTimeout(180_000);

const ARTIFACTS = join(__dirname, '../../../test-artifacts/sandbox-browser');

/** Debian's chromium, headless, with a fresh profile and nothing that reaches the network on its own. */
function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'jit-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

describe('the sandbox in a browser: portal, approval, reveal, SQL console, revoke', () => {
  let sandbox: SandboxProcess;
  let browser: BrowserContext;
  let page: Page;
  let step = 0;
  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const signInAs = async (email: string) => {
    await page.getByTestId('user-picker').selectOption(email);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandboxProcess();
    browser = await launch();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('raises a prod request as ana, approves it as the lead, runs SELECT with the revealed credential, then revokes by resolving', async () => {
    await page.goto(`${sandbox.url}/#/portal`);
    await signInAs('ana@example.com');
    await page.getByTestId('raise').waitFor();
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await field('Summary *').fill('Check order statuses on prod');
    await field('Database *').selectOption('shop-prod');
    await field('Access level *').selectOption('read-only');
    await field('Duration (ISO-8601, e.g. PT1H)').fill('PT10M');
    await field('Justification *').fill('INC-88: orders stuck in placed');
    await shot('portal-form');
    await page.getByTestId('raise').click();
    await page.waitForURL(/#\/ticket\/DBA-\d+$/);
    await page.getByTestId('grant-state').filter({ hasText: 'awaiting-approval' }).waitFor();
    await shot('awaiting-approval');

    await signInAs('lead@example.com');
    await page.getByTestId('approve').click();
    await page.getByTestId('grant-state').filter({ hasText: 'active' }).waitFor({ timeout: 20_000 });
    await shot('approved-and-active');

    await signInAs('ana@example.com');
    await page.getByTestId('reveal').click();
    const password = (await page.getByTestId('cred-password').textContent()) ?? '';
    expect(password.length).toBeGreaterThan(10);
    await shot('credential-revealed');
    const ticketUrl = page.url();

    await page.goto(`${sandbox.url}/#/console`);
    await page.getByTestId('console-password').fill(password);
    await page.getByTestId('console-sql').fill('SELECT count(*) AS orders FROM shop.orders');
    await page.getByTestId('console-run').click();
    await page.getByTestId('console-result').or(page.getByTestId('console-error')).waitFor();
    expect(await page.getByTestId('console-error').count() === 0 ? '' : await page.getByTestId('console-error').textContent()).toBe('');
    expect(await page.getByTestId('console-result').locator('tbody td').first().textContent()).toBe('6');
    await shot('console-select');

    await page.goto(ticketUrl);
    await page.getByTestId('transition-resolve').click();
    await page.getByTestId('grant-state').filter({ hasText: 'revoked' }).waitFor({ timeout: 20_000 });
    await shot('resolved-revoked');

    await page.goto(`${sandbox.url}/#/console`);
    await page.getByTestId('console-password').fill(password);
    await page.getByTestId('console-run').click();
    await page.getByTestId('console-error').waitFor();
    expect(await page.getByTestId('console-error').textContent()).toMatch(/password authentication failed|not a managed login/);
    await shot('console-refused');
  });
});
