import { z } from 'zod';
import type { FrameLocator, Page } from 'playwright-core';
import { launchChromium, seriousViolations } from '../../browser/support/chromium';
import { startSandboxProcess, type SandboxProcess } from '../e2e/sandbox-process';
import { ensureUiBuilt } from '../e2e/ui-builds';
import { portalForm } from './raise-through-portal-form';

jest.setTimeout(180_000);

/** The app's portal form as a customer meets it on the sandbox portal, the way JSM renders the panel. */
describe('the portal form in a browser', () => {
  let sandbox: SandboxProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const form = (): FrameLocator => portalForm(page);
  const choose = async (label: string, option: RegExp) => {
    await form().getByLabel(label, { exact: true }).click();
    await form().getByRole('option', { name: option }).click();
  };
  const property = async (key: string) => {
    const response = await fetch(`${sandbox.url}/rest/api/3/issue/${key}/properties/jit-request`, { headers: { authorization: `Basic ${btoa('admin@example.com:x')}` } });
    return z.object({ value: z.unknown() }).parse(await response.json()).value;
  };

  beforeAll(async () => {
    await ensureUiBuilt();
    sandbox = await startSandboxProcess();
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

  it('refuses to send until every problem is fixed, naming them all at once, then raises the request with the answers', async () => {
    await page.goto(`${sandbox.url}/#/portal`);
    await page.getByTestId('user-picker').selectOption('ana@example.com');
    await form().getByLabel('Database', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const panelFrame = page.frames().find((frame) => frame.url().includes('/app/jit-portal-form/'));
    if (!panelFrame) throw new Error('the portal form panel has no frame');
    expect(await seriousViolations(panelFrame)).toEqual([]);

    await page.getByTestId('raise').click();
    expect(await page.getByTestId('portal-message').locator('p').allInnerTexts()).toEqual([
      'Summary: this field is required.',
      'Database access: some answers need attention (see the list in that section).',
    ]);
    expect(await form().getByTestId('form-problems').locator('li').allInnerTexts()).toEqual([
      'Database: Choose the database.',
      'Access level: Choose the access level.',
      'Reason: Say why you need access (at least 10 characters): the ticket keeps it for the audit.',
    ]);
    expect(page.url()).toMatch(/#\/portal$/);

    await page.getByLabel('Summary *', { exact: true }).fill('Apply the orders index');
    await choose('Database', /^shop-prod — prod/);
    await choose('Access level', /^Schema change$/);
    // The level's limits and its need for a change show before anything is sent.
    await form().getByText('Apply an approved change to the schema during its planned window. 2 hours by default, at most 8 hours.', { exact: false }).waitFor();
    await form().getByText('Change request: Schema change needs an approved change request: pick it.').waitFor();
    await form().getByLabel('Reason', { exact: true }).fill('short');
    await form().getByText('Reason: Say why you need access').first().waitFor();

    await form().getByLabel('Change request (required)').fill('index');
    const change = form().getByRole('option', { name: /^CHG-1 · Quarterly index maintenance on shop-prod — Awaiting implementation, planned .+ UTC – .+ UTC$/ });
    await change.click();
    await choose('Duration', /^8 hours$/);
    await form().getByLabel('Reason', { exact: true }).fill('CHG-1: add the orders index');
    await form().getByTestId('form-problems').waitFor({ state: 'detached' });

    await page.getByTestId('raise').click();
    await page.waitForURL(/#\/ticket\/DBA-\d+$/);
    const key = /DBA-\d+$/.exec(page.url())?.[0] ?? '';
    expect(await property(key)).toEqual({ target: 'shop-prod', accessLevel: 'schema-change', duration: 'PT8H', changeKey: 'CHG-1', justification: 'CHG-1: add the orders index' });

    // The page JSM's REST `_links.web` names for the customer's request opens it, with the app's view of it.
    const request = await fetch(`${sandbox.url}/rest/servicedeskapi/request/${key}`, { headers: { authorization: `Basic ${btoa('ana@example.com:x')}` } });
    const { web } = z.object({ _links: z.object({ web: z.string() }) }).parse(await request.json())._links;
    await page.goto(web);
    await page.getByRole('heading', { name: new RegExp(`^${key} · Apply the orders index$`) }).waitFor();
    await page.frameLocator('[data-testid="portal-request-panel"]').getByTestId('grant-state').waitFor();
  });

  it('warns on the break-glass type of what follows, and offers only break-glass levels', async () => {
    await page.goto(`${sandbox.url}/#/portal`);
    await page.getByTestId('user-picker').selectOption('ana@example.com');
    await page.getByRole('button', { name: 'Emergency database access (break-glass)' }).click();
    const warning = form().getByTestId('break-glass-warning');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('an alert goes to the security channel');
    expect(await warning.innerText()).toContain('a review task is opened');
    await form().getByLabel('Access level', { exact: true }).click();
    expect(await form().getByRole('option').allInnerTexts()).toEqual(['Emergency fix']);
    expect(await form().getByLabel('Start (optional)').count()).toBe(0);

    // A narrow window (a phone): nothing runs off the side of the page or of the form.
    await page.setViewportSize({ width: 600, height: 900 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(600);
    const panelFrame = page.frames().find((frame) => frame.url().includes('/app/jit-portal-form/'));
    expect(await panelFrame?.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  /** Raises a read-only request through the form as ana and opens its ticket. */
  const raiseReadOnly = async (target: RegExp, reason: string) => {
    await page.goto(`${sandbox.url}/#/portal`);
    await page.getByTestId('user-picker').selectOption('ana@example.com');
    await page.getByRole('button', { name: 'Database access', exact: true }).click();
    await page.getByLabel('Summary *', { exact: true }).fill(reason);
    await choose('Database', target);
    await choose('Access level', /^Read-only/);
    await form().getByLabel('Reason', { exact: true }).fill(reason);
    await form().getByTestId('form-problems').waitFor({ state: 'detached' });
    await page.getByTestId('raise').click();
    await page.waitForURL(/#\/ticket\/DBA-\d+$/);
  };

  it('shows a customer (not an agent) the portal view: state, countdown, reveal once, extend; cancel while waiting', async () => {
    const view = page.frameLocator('[data-testid="portal-request-panel"]');
    /** The panel says `label`, in a frame the page will not reload for a state it has not read yet. */
    const state = async (label: string, grantState: string) => {
      await page.locator(`[data-grant-state="${grantState}"]`).waitFor({ timeout: 20_000 });
      await view.getByTestId('grant-state').getByText(label, { exact: true }).waitFor({ timeout: 20_000 });
    };

    await raiseReadOnly(/^shop-dev — dev/, 'Look at yesterday’s failed imports');
    await state('Active', 'active');
    expect(await page.getByTestId('issue-panel').count()).toBe(0);
    await view.getByText(/ left$/).waitFor();
    await view.getByRole('button', { name: 'Reveal password' }).click();
    await view.getByRole('dialog').getByRole('button', { name: 'Reveal now' }).click();
    expect(((await view.getByLabel('Password', { exact: true }).textContent()) ?? '').length).toBeGreaterThan(10);
    await page.reload();
    await state('Active', 'active');
    await view.getByRole('button', { name: 'Request extension' }).waitFor();
    expect(await view.getByRole('button', { name: 'Reveal password' }).count()).toBe(0);
    const portalView = page.frames().find((frame) => frame.url().includes('/app/jit-portal-request/'));
    if (!portalView) throw new Error('the portal request view has no frame');
    expect(await seriousViolations(portalView)).toEqual([]);
    await view.getByRole('button', { name: 'Request extension' }).click();
    // The panel's frame is as tall as its SQL console makes it: the dialog's button is reached by the keyboard.
    await view.getByRole('dialog').getByRole('button', { name: 'Request' }).press('Enter');
    await view.getByText(/^Extended\. Access now ends at \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC, 1 hour later\.$/).waitFor();

    await raiseReadOnly(/^shop-prod — prod/, 'Check order statuses on prod');
    await state('Waiting for approval', 'awaiting-approval');
    await view.getByRole('button', { name: 'Cancel request' }).click();
    await view.getByRole('dialog').getByRole('button', { name: 'Yes, cancel' }).click();
    await view.getByText('The request is cancelled; nothing was granted.').waitFor();
  });
});
