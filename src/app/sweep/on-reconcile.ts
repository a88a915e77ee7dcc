import { reconcile } from '../flow/reconcile';
import { logEvent } from '../log';

/** Scheduled trigger (hour): reconciles with the connector's `GET /v1/grants?state=active`. */
export async function onReconcile(): Promise<void> {
  const report = await reconcile();
  logEvent('reconcile.done', { active: report.active, revoked: report.revoked.length });
}
