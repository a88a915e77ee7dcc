import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const AXE = require.resolve('axe-core/axe.min.js');

/** A content security policy violation a frame reported (its `securitypolicyviolation` event). */
export type CspViolation = { url: string; directive: string; blocked: string; sample: string };

/**
 * Headless Debian Chromium with a fresh profile (its --user-data-dir), nothing reaching the network on its own.
 * Every content security policy violation any frame of any page reports lands in `cspViolations`: a page that
 * works here only because a refused style or script did not matter would break differently on Forge.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; cspViolations: CspViolation[]; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'jit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const cspViolations: CspViolation[] = [];
  await context.exposeBinding('__reportCspViolation', (_source, violation: CspViolation) => void cspViolations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = Reflect.get(window, '__reportCspViolation') as (violation: CspViolation) => Promise<void>;
      void report({ url: event.documentURI, directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
    });
  });
  return {
    context,
    cspViolations,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Pick<Page, 'evaluate'>): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the pages' content security policy refuses injected script tags.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
