import { runSweep } from '../flow/run-sweep';
import { logEvent } from '../log';

/** Leaves room inside the 900 s limit of scheduled functions (and well inside the 55 s goal). */
const SWEEP_BUDGET_MS = 45_000;

/** Scheduled trigger (fiveMinute): expiry, scheduled windows, lost jobs and warnings. */
export async function onSweep(): Promise<void> {
  const report = await runSweep(Date.now(), SWEEP_BUDGET_MS);
  if (report.due > 0) logEvent('sweep.done', { ...report });
}
