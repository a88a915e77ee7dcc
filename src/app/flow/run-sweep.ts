import type { Settings } from '../../core';
import { logEvent } from '../log';
import { queryDue } from '../storage/grant-store';
import type { AppConfig } from '../storage/app-config';
import { loadAppConfig, loadSettings } from '../storage/settings-store';
import { handleDue } from './handle-due';

export const SWEEP_PAGE = 100;
const CONCURRENCY = 10;

export interface SweepReport {
  due: number;
  handled: number;
  failed: number;
  /** True when the time budget ran out before every due grant was handled (the next sweep continues). */
  truncated: boolean;
}

/**
 * The scheduled sweep: reads only grants that are due from the `by-due` index (one storage query when
 * nothing is), handles them ten at a time, and stops early enough to finish inside the invocation.
 * Settings are read only when there is work.
 */
export async function runSweep(now: number, budgetMs: number): Promise<SweepReport> {
  const deadline = Date.now() + budgetMs;
  const report: SweepReport = { due: 0, handled: 0, failed: 0, truncated: false };
  let loaded: { settings: Settings; config: AppConfig } | undefined;
  let cursor: string | undefined;
  do {
    const page = await queryDue(now, SWEEP_PAGE, cursor);
    cursor = page.cursor;
    report.due += page.grants.length;
    if (page.grants.length === 0) break;
    loaded ??= { settings: await loadSettings(), config: await loadAppConfig() };
    const { settings, config } = loaded;
    for (let start = 0; start < page.grants.length; start += CONCURRENCY) {
      if (Date.now() > deadline) {
        report.truncated = true;
        return report;
      }
      const results = await Promise.allSettled(page.grants.slice(start, start + CONCURRENCY).map((grant) => handleDue(grant, settings, config, now)));
      for (const result of results) {
        if (result.status === 'fulfilled') report.handled += 1;
        else {
          report.failed += 1;
          logEvent('sweep.grant-failed', { error: result.reason instanceof Error ? result.reason.message.slice(0, 200) : 'error' });
        }
      }
    }
  } while (cursor !== undefined);
  return report;
}
