import { randomUUID } from 'node:crypto';
import type { GrantRecord } from '../../core';
import { newLifecycleEvents } from './siem-event';
import { loadAppConfig } from './settings-store';
import type { TicketEffect } from './ticket-effect';

/**
 * The SIEM events a record write owes: one per history entry it appends, while a SIEM webhook is set. The
 * store adds them to the write itself, so every move of every grant is owed exactly when it is recorded,
 * whichever path recorded it.
 */
export async function owedSiemEvents(previous: GrantRecord, next: GrantRecord): Promise<TicketEffect[]> {
  const events = newLifecycleEvents(previous, next);
  if (events.length === 0 || (await loadAppConfig()).siemWebhookUrl === undefined) return [];
  const at = new Date().toISOString();
  return events.map((event) => ({ id: randomUUID(), at, kind: 'siem' as const, event }));
}
