import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from './clock';
import { ForgeEmulatorError } from './errors';
import type { InvocationOutcome } from './invoker';
import type { ConsumerModule } from './manifest-loader';

// Limits from the async events docs and @forge/events' validators.
export const MAX_EVENTS_PER_PUSH = 50;
export const MAX_PUSH_BYTES = 200 * 1024;
export const MAX_DELAY_SECONDS = 900;
/**
 * Forge does not document how often it retries an event whose consumer asks for a retry (FORGE-FACTS:
 * unconfirmed). The emulator retries at most this many times (so five attempts in all), then marks it failed.
 */
export const DEFAULT_MAX_RETRIES = 4;

const pushEventSchema = z.strictObject({
  body: z.record(z.string(), z.unknown()),
  delayInSeconds: z.number().optional(),
  concurrency: z.strictObject({ key: z.string(), limit: z.number() }).optional(),
});
// As @forge/events 3.0.x Queue.push() posts it.
export const pushRequestSchema = z.strictObject({
  queueName: z.string(),
  jobId: z.string(),
  type: z.literal('avi:forge:app:event'),
  schema: z.literal('ari:cloud:ecosystem::forge/app-event-2'),
  payload: z.array(pushEventSchema),
  time: z.string(),
});
export const jobRequestSchema = z.strictObject({ queueName: z.string(), jobId: z.string(), time: z.string() });

// What a consumer returns to ask for a retry: InvocationError's toJSON() or a QueueResponse with retry().
const retryRequestSchema = z.looseObject({
  _retry: z.literal(true),
  retryOptions: z
    .looseObject({ retryAfter: z.number().optional(), retryReason: z.string().optional(), retryData: z.unknown().optional() })
    .optional(),
});

type PushEvent = z.infer<typeof pushEventSchema>;
export type RetryContext = { retryCount: number; retryReason: string; retryData: unknown };
/** The AsyncEvent a consumer function receives (@forge/events types.d.ts). */
export type AsyncEvent = PushEvent & { queueName: string; jobId: string; eventId: string; retryContext?: RetryContext };
export type QueuedEvent = {
  event: AsyncEvent;
  deliverAt: number;
  state: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
};

export type Deliver = (consumer: ConsumerModule, event: AsyncEvent) => Promise<InvocationOutcome>;

/** The app's async event queues: delayed delivery, retries on request, job stats and cancel. */
export class EventQueue {
  private readonly events: QueuedEvent[] = [];

  constructor(
    private readonly deps: { clock: Clock; consumers: ConsumerModule[]; deliver: Deliver; maxRetries: number },
  ) {}

  push(request: z.infer<typeof pushRequestSchema>): Response {
    const consumer = this.consumerFor(request.queueName);
    if (request.payload.length === 0 || request.payload.length > MAX_EVENTS_PER_PUSH) {
      return json(400, { message: `A push carries 1 to ${MAX_EVENTS_PER_PUSH} events` });
    }
    if (Buffer.byteLength(JSON.stringify(request.payload)) > MAX_PUSH_BYTES) {
      return json(413, { errorMessage: `The maximum payload size is ${MAX_PUSH_BYTES / 1024}KB.` });
    }
    const delays = request.payload.map((event) => event.delayInSeconds ?? 0);
    if (delays.some((delay) => !(delay >= 0 && delay <= MAX_DELAY_SECONDS))) {
      return json(400, { message: `The delayInSeconds setting must be between 0 and ${MAX_DELAY_SECONDS}.` });
    }
    for (const pushed of request.payload) {
      const queued: QueuedEvent = {
        event: { ...pushed, queueName: request.queueName, jobId: request.jobId, eventId: randomUUID() },
        deliverAt: this.deps.clock.now() + (pushed.delayInSeconds ?? 0) * 1000,
        state: 'pending',
      };
      this.events.push(queued);
      this.schedule(consumer, queued);
    }
    return json(201, {});
  }

  stats(request: z.infer<typeof jobRequestSchema>): Response {
    const job = this.job(request);
    if (job.length === 0) return json(404, { message: 'job not found' });
    const count = (...states: QueuedEvent['state'][]) => job.filter((e) => states.includes(e.state)).length;
    return json(200, { success: count('succeeded'), inProgress: count('pending', 'running'), failed: count('failed') });
  }

  cancel(request: z.infer<typeof jobRequestSchema>): Response {
    const job = this.job(request);
    if (job.length === 0) return json(404, { message: 'job not found' });
    for (const queued of job) if (queued.state === 'pending') queued.state = 'cancelled';
    return new Response(null, { status: 204 });
  }

  /** Events waiting for delivery (including retries) and in delivery, for tests and the sandbox UI. */
  contents(): Array<{ event: AsyncEvent; deliverAt: string; state: QueuedEvent['state'] }> {
    return this.events
      .filter((queued) => queued.state === 'pending' || queued.state === 'running')
      .map((queued) => ({ event: queued.event, deliverAt: new Date(queued.deliverAt).toISOString(), state: queued.state }));
  }

  private consumerFor(queueName: string): ConsumerModule {
    const consumer = this.deps.consumers.find((candidate) => candidate.queue === queueName);
    if (consumer === undefined) {
      throw new ForgeEmulatorError('MODULE_NOT_FOUND', `No consumer module in the manifest listens to queue ${queueName}`);
    }
    return consumer;
  }

  private job(request: z.infer<typeof jobRequestSchema>): QueuedEvent[] {
    return this.events.filter((e) => e.event.jobId === request.jobId && e.event.queueName === request.queueName);
  }

  private schedule(consumer: ConsumerModule, queued: QueuedEvent): void {
    this.deps.clock.schedule(queued.deliverAt, () => this.deliver(consumer, queued));
  }

  private async deliver(consumer: ConsumerModule, queued: QueuedEvent): Promise<void> {
    if (queued.state !== 'pending') return;
    queued.state = 'running';
    const outcome = await this.deps.deliver(consumer, queued.event);
    const retry = nextRetry(outcome);
    const retryCount = (queued.event.retryContext?.retryCount ?? 0) + 1;
    if (retry === undefined || retryCount > this.deps.maxRetries) {
      queued.state = outcome.ok && retry === undefined ? 'succeeded' : 'failed';
      return;
    }
    queued.event = {
      ...queued.event,
      retryContext: { retryCount, retryReason: retry.retryReason, retryData: retry.retryData },
    };
    queued.deliverAt = this.deps.clock.now() + retry.retryAfterSeconds * 1000;
    queued.state = 'pending';
    this.schedule(consumer, queued);
  }
}

/**
 * A consumer is retried when it returns InvocationError (honouring retryAfter, 1 to 900 s) or when it times
 * out (reason FUNCTION_TIME_OUT). A thrown error is not retried.
 */
function nextRetry(outcome: InvocationOutcome): { retryAfterSeconds: number; retryReason: string; retryData: unknown } | undefined {
  if (!outcome.ok) {
    return outcome.error.code === 'FUNCTION_TIME_OUT'
      ? { retryAfterSeconds: 1, retryReason: 'FUNCTION_TIME_OUT', retryData: undefined }
      : undefined;
  }
  const parsed = retryRequestSchema.safeParse(outcome.value);
  if (!parsed.success) return undefined;
  const options = parsed.data.retryOptions ?? {};
  return {
    retryAfterSeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, options.retryAfter ?? 1)),
    retryReason: options.retryReason ?? 'FUNCTION_RETRY_REQUEST',
    retryData: options.retryData,
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
