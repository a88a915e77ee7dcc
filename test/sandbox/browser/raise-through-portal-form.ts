import type { FrameLocator, Page } from 'playwright-core';

/** The app's create form (jit-portal-form) as the sandbox portal frames it. */
export const portalForm = (page: Page): FrameLocator => page.frameLocator('[data-testid="portal-form-panel"]');

/** Raises a "Database access" request as ana through the portal form, and waits for its grant to be active (or, `waitActive: false`, for the request's page). */
export async function raiseThroughPortalForm(page: Page, sandboxUrl: string, request: { summary: string; database: RegExp; level: RegExp; reason: string }, waitActive = true): Promise<void> {
  const form = portalForm(page);
  const choose = async (label: string, option: RegExp) => {
    await form.getByLabel(label, { exact: true }).click();
    await form.getByRole('option', { name: option }).click();
  };
  await page.goto(`${sandboxUrl}/#/portal`);
  await page.getByTestId('user-picker').selectOption('ana@example.com');
  await page.getByRole('button', { name: 'Database access', exact: true }).click();
  await page.getByLabel('Summary *', { exact: true }).fill(request.summary);
  await choose('Database', request.database);
  await choose('Access level', request.level);
  await form.getByLabel('Reason', { exact: true }).fill(request.reason);
  await form.getByTestId('form-problems').waitFor({ state: 'detached' });
  await page.getByTestId('raise').click();
  await page.waitForURL(/#\/ticket\/DBA-\d+$/);
  if (waitActive) await page.locator('[data-grant-state="active"]').waitFor({ timeout: 20_000 });
}
