import { randomUUID } from 'node:crypto';
import { Queue } from '@forge/events';
import { z } from 'zod';
import { MAX_JOB_DELAY_SECONDS } from '../../core';

/**
 * The queue of the grant's work (manifest `consumer`): grant jobs, one per attempt to grant a ticket's
 * access, and ticket-write jobs, which apply the Jira writes a step claimed (the outbox) in an invocation
 * of their own, with the consumer's time and the platform's retries.
 */
export const GRANT_QUEUE = 'grant-jobs';
/** The platform's longest delivery delay; windows further out are left to the sweep. */
export const MAX_DELAY_SECONDS = MAX_JOB_DELAY_SECONDS;

export const grantJobSchema = z.strictObject({ ticket: z.string().min(1), token: z.string().min(1) });
export type GrantJob = z.infer<typeof grantJobSchema>;
/** The ids of the owed ticket writes one claim recorded. */
export const ticketWritesJobSchema = z.strictObject({ ticket: z.string().min(1), writes: z.array(z.string().min(1)).min(1).max(50) });
export type TicketWritesJob = z.infer<typeof ticketWritesJobSchema>;

/** A job the grant records before it is sent: its token and when it is due (`delaySeconds` after `now`, 0 to 900). */
export interface PlannedJob {
  token: string;
  deliverAt: string;
}

export function planJob(now: number, delaySeconds = 0): PlannedJob {
  return { token: randomUUID(), deliverAt: new Date(now + clampDelay(delaySeconds) * 1000).toISOString() };
}

/** Sends the job the grant recorded, delivered when it is due. */
export async function pushGrantJob(ticket: string, job: PlannedJob): Promise<void> {
  const delay = clampDelay((Date.parse(job.deliverAt) - Date.now()) / 1000);
  await new Queue({ key: GRANT_QUEUE }).push({ body: { ticket, token: job.token }, ...(delay > 0 ? { delayInSeconds: delay } : {}) });
}

function clampDelay(seconds: number): number {
  return Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(seconds)));
}

/** Hands the ticket writes a claim recorded to the consumer, at once. */
export async function pushTicketWritesJob(job: TicketWritesJob): Promise<void> {
  await new Queue({ key: GRANT_QUEUE }).push({ body: job });
}
