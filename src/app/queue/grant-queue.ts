import { randomUUID } from 'node:crypto';
import { Queue } from '@forge/events';
import { z } from 'zod';

/** The queue of grant jobs (manifest `consumer`): one job per attempt to grant a ticket's access. */
export const GRANT_QUEUE = 'grant-jobs';
/** The platform's longest delivery delay; windows further out are left to the sweep. */
export const MAX_DELAY_SECONDS = 900;

export const grantJobSchema = z.strictObject({ ticket: z.string().min(1), token: z.string().min(1) });
export type GrantJob = z.infer<typeof grantJobSchema>;

export function newJobToken(): string {
  return randomUUID();
}

/** Sends a grant job, delivered after `delaySeconds` (0 to 900). */
export async function pushGrantJob(job: GrantJob, delaySeconds = 0): Promise<void> {
  const delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)));
  await new Queue({ key: GRANT_QUEUE }).push({ body: job, ...(delay > 0 ? { delayInSeconds: delay } : {}) });
}
