import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../../browser/support/chromium';
import { startSandboxProcess, type SandboxProcess } from '../e2e/sandbox-process';
import { ensureUiBuilt } from '../e2e/ui-builds';
import { publishScreenshot } from '../../support/doc-images';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '../../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/sandbox-browser');
// The README's walk-through shows these.

describe('the sandbox in a browser', () => {
  let sandbox: SandboxProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let step = 0;
  const shot = async (name: string) => {
    step += 1;
    const file = `${String(step).padStart(2, '0')}-${name}.png`;
    await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
    publishScreenshot(join(ARTIFACTS, file), `sandbox/${file}`);
  };
  const signInAs = async (email: string) => {
    await page.getByTestId('user-picker').selectOption(email);
  };
  /** The app's panel on the ticket, its Custom UI page in an iframe: the issue panel for agents, the portal request view for customers. */
  const panel = (): FrameLocator => page.frameLocator('[data-testid="issue-panel"], [data-testid="portal-request-panel"]');
  const panelState = (state: string, timeout = 20_000) => panel().getByTestId('grant-state').getByText(state, { exact: true }).waitFor({ timeout });

  beforeAll(async () => {
    await ensureUiBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandboxProcess();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
  });
  // The app's pages in the sandbox's frames run under Forge's own policy (@forge/csp): nothing may be refused.
  afterEach(() => {
    expect(chromium.cspViolations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await chromium?.close();
    await sandbox?.stop();
  });

  it('raises a prod request as ana, approves it as the lead, queries in the panel (masked, refused), then revokes by resolving', async () => {
    await page.goto(`${sandbox.url}/#/portal`);
    await signInAs('ana@example.com');
    await page.getByTestId('raise').waitFor();
    await page.getByLabel('Summary *', { exact: true }).fill('Check order statuses on prod');
    // The app's own part of the create screen (its portal form panel) asks for the rest.
    const form = page.frameLocator('[data-testid="portal-form-panel"]');
    const choose = async (label: string, option: RegExp) => {
      await form.getByLabel(label, { exact: true }).click();
      await form.getByRole('option', { name: option }).click();
    };
    await choose('Database', /^shop-prod/);
    await choose('Access level', /^Read-only/);
    await choose('Duration', /^15 minutes$/);
    await form.getByLabel('Reason', { exact: true }).fill('INC-88: orders stuck in placed');
    await form.getByTestId('form-problems').waitFor({ state: 'detached' });
    await shot('portal-form');
    await page.getByTestId('raise').click();
    await page.waitForURL(/#\/ticket\/DBA-\d+$/);
    await panelState('Waiting for approval');
    expect(await panel().getByRole('button', { name: 'Reveal password' }).count()).toBe(0);
    await shot('awaiting-approval');

    await signInAs('lead@example.com');
    await page.getByTestId('approve').click();
    await panelState('Active');
    expect(await panel().getByText('Only the requester can reveal the password.').count()).toBe(1);
    expect(await panel().getByTestId('sql-console').count()).toBe(0);
    await shot('approved-and-active');

    // The requester queries from the ticket: through the gateway, as the grant, with no password revealed.
    await signInAs('ana@example.com');
    // As a customer, in the portal's request view (not the agents' issue panel): who approved, under which rule and why.
    await page.getByTestId('portal-request-panel').waitFor();
    expect(await page.getByTestId('issue-panel').count()).toBe(0);
    const details = panel().getByLabel('Access details');
    await details.getByText(/^Lee Adams \(DBA lead\) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/).waitFor();
    expect(await details.textContent()).toContain('rule "Production needs a DBA lead"');
    expect(await panel().getByLabel('Decision reasons').getByRole('listitem').allTextContents()).toEqual(['the target shop-prod is in the prod environment']);
    const run = async (sql: string) => {
      await panel().getByLabel('Statement', { exact: true }).fill(sql);
      await panel().getByRole('button', { name: 'Run', exact: true }).click();
    };
    await panel().getByTestId('sql-console').waitFor({ timeout: 20_000 });
    await run("SELECT name, email, status FROM shop.orders JOIN shop.customers ON customers.id = orders.customer_id WHERE status = 'placed' ORDER BY orders.id");
    await panel().getByTestId('sql-summary').getByText('3 rows.', { exact: true }).waitFor({ timeout: 20_000 });
    const cells = await panel().getByRole('table').getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['Chloé Martin', expect.stringMatching(/^c\*+@example\.com$/), 'placed']);
    expect(cells.join(' ')).not.toContain('chloe@example.com');
    await shot('console-masked');

    await run("UPDATE shop.orders SET status = 'shipped' WHERE id = 3");
    await panel().getByTestId('sql-refused').getByText(/^42501: permission denied/).waitFor({ timeout: 20_000 });
    await shot('console-refused');
    await panel().getByRole('button', { name: 'Reveal password' }).waitFor();

    await page.getByTestId('transition-resolve').click();
    await page.getByTestId('ticket-status').getByText('Resolved').waitFor();
    await panelState('Revoked');
    expect(await panel().getByTestId('sql-console').count()).toBe(0);
    // What was run reaches the ticket when access ends, in an internal comment agents read: counts and tables, never a value.
    await signInAs('lead@example.com');
    await panelState('Revoked');
    await page.getByText(/^Database activity under grant/).first().waitFor({ timeout: 30_000 });
    expect(await page.getByText('chloe@example.com').count()).toBe(0);
    await shot('resolved-revoked');
    const ticketUrl = page.url();

    // The page Jira's REST `_links.agent` names for the request opens its ticket.
    await page.goto(`${sandbox.url}/browse/${ticketUrl.split('/').at(-1) ?? ''}`);
    await page.getByTestId('ticket-status').getByText('Resolved').waitFor();
  });

  it('offers App settings to the admin only, with the app admin page in the chosen theme', async () => {
    await page.goto(`${sandbox.url}/#/portal`);
    await signInAs('ana@example.com');
    expect(await page.getByRole('link', { name: 'App settings' }).count()).toBe(0);
    await page.goto(`${sandbox.url}/#/settings`);
    await page.getByText('Only Jira administrators can open the app settings.').waitFor();
    expect(await page.getByTestId('admin-page').count()).toBe(0);

    await signInAs('admin@example.com');
    await page.getByRole('link', { name: 'App settings' }).click();
    const admin = page.frameLocator('[data-testid="admin-page"]');
    await admin.getByRole('tab', { name: 'Policies' }).click();
    await admin.getByRole('button', { name: 'Simulate' }).click();
    await admin.getByRole('region', { name: 'Verdict' }).getByText('Approved automatically').waitFor();

    expect(await page.getByTestId('theme-toggle').textContent()).toBe('Dark theme: off');
    await page.getByTestId('theme-toggle').click();
    expect(await page.getByTestId('theme-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('theme-toggle').textContent()).toBe('Dark theme: on');
    await page.waitForFunction(() => document.documentElement.getAttribute('data-color-mode') === 'dark');
    // The page reloads with the user's theme in its view context (same origin: the host can look inside).
    await page.waitForFunction(() => document.querySelector<HTMLIFrameElement>('[data-testid="admin-page"]')?.contentDocument?.documentElement.getAttribute('data-color-mode') === 'dark');
    await admin.getByRole('tab', { name: 'Policies' }).waitFor();
    await shot('app-settings-dark');

    await page.getByTestId('theme-toggle').click();
    await page.waitForFunction(() => document.documentElement.getAttribute('data-color-mode') === 'light');
  });
});
