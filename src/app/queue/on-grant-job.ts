import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { runGrantJob } from '../flow/grant-access';
import { grantJobSchema } from './grant-queue';

const asyncEventSchema = z.looseObject({ body: grantJobSchema });

/** Queue consumer of grant jobs; asks the platform to retry (with the backoff chosen) while the connector may recover. */
export async function onGrantJob(event: unknown): Promise<InvocationError | undefined> {
  const { body } = asyncEventSchema.parse(event);
  const outcome = await runGrantJob(body);
  if (outcome.kind === 'retry') return new InvocationError({ retryAfter: outcome.afterSeconds, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
  return undefined;
}
