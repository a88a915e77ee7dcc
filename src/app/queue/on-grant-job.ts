import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { applyTicketWrites } from '../flow/apply-effects';
import { runGrantJob } from '../flow/grant-access';
import { grantJobSchema, ticketWritesJobSchema } from './grant-queue';

const asyncEventSchema = z.looseObject({ body: z.union([grantJobSchema, ticketWritesJobSchema]) });

/**
 * Queue consumer of the grant's work: a grant job, or the ticket writes a claim recorded. Asks the platform
 * to retry (with the backoff chosen) while the connector or Jira may recover; the sweep takes over after.
 */
export async function onGrantJob(event: unknown): Promise<InvocationError | undefined> {
  const { body } = asyncEventSchema.parse(event);
  const retryAfter = 'writes' in body ? await applyTicketWrites(body) : await grantJobRetry(body);
  return retryAfter === undefined ? undefined : new InvocationError({ retryAfter, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
}

async function grantJobRetry(job: z.infer<typeof grantJobSchema>): Promise<number | undefined> {
  const outcome = await runGrantJob(job);
  return outcome.kind === 'retry' ? outcome.afterSeconds : undefined;
}
