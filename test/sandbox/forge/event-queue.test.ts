import { AsyncLocalStorage } from 'node:async_hooks';
import { ManualClock, RealClock } from '../../../src/sandbox/forge/clock';
import { ForgeInvocationError } from '../../../src/sandbox/forge/errors';
import type { InvocationOutcome } from '../../../src/sandbox/forge/invoker';
import { type AsyncEvent, DEFAULT_MAX_RETRIES, EventQueue } from '../../../src/sandbox/forge/queue';

const START = Date.parse('2026-01-01T00:00:00Z');

function setup(answer: (event: AsyncEvent) => InvocationOutcome) {
  const work: Array<Promise<void>> = [];
  const clock = new ManualClock(START, (w) => work.push(w));
  const deliveries: Array<{ at: number; event: AsyncEvent }> = [];
  const queue = new EventQueue({
    clock,
    consumers: [{ key: 'c', queue: 'q', function: 'f' }],
    maxRetries: DEFAULT_MAX_RETRIES,
    deliver: async (_consumer, event) => {
      deliveries.push({ at: clock.now() - START, event });
      return answer(event);
    },
  });
  const push = (payload: Parameters<EventQueue['push']>[0]['payload'], jobId = 'job-1') =>
    queue.push({ queueName: 'q', jobId, type: 'avi:forge:app:event', schema: 'ari:cloud:ecosystem::forge/app-event-2', payload, time: new Date(START).toISOString() });
  const settle = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(work);
  };
  return { clock, queue, deliveries, push, settle };
}

const retry = (retryAfter: number): InvocationOutcome => ({ ok: true, value: { _retry: true, retryOptions: { retryAfter, retryReason: 'FUNCTION_RETRY_REQUEST' } } });
const done: InvocationOutcome = { ok: true, value: undefined };

describe('the emulated async event queue', () => {
  it('enforces the push limits: 50 events, 200 KB, delay 0 to 900 s, a consumer for the queue', async () => {
    const { push, queue } = setup(() => done);
    expect(push(Array.from({ length: 51 }, () => ({ body: {} }))).status).toBe(400);
    expect(push([{ body: { big: 'x'.repeat(200 * 1024) } }]).status).toBe(413);
    expect(push([{ body: {}, delayInSeconds: 901 }]).status).toBe(400);
    expect(push([{ body: {}, delayInSeconds: -1 }]).status).toBe(400);
    expect(() => queue.push({ queueName: 'other', jobId: 'j', type: 'avi:forge:app:event', schema: 'ari:cloud:ecosystem::forge/app-event-2', payload: [{ body: {} }], time: '' })).toThrow(
      expect.objectContaining({ code: 'MODULE_NOT_FOUND' }),
    );
    expect(push(Array.from({ length: 50 }, () => ({ body: {}, delayInSeconds: 900 }))).status).toBe(201);
  });

  it('delivers each event as an invocation of its own, outside the async context of the invocation that pushed it', async () => {
    const context = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const { push, clock, settle } = setup(() => {
      seen.push(context.getStore());
      return done;
    });
    await context.run('pusher', async () => {
      push([{ body: { n: 1 } }, { body: { n: 2 }, delayInSeconds: 5 }]);
    });
    await settle();
    await context.run('test', () => clock.advance(5_000));
    expect(seen).toEqual([undefined, undefined]);

    const work: Array<Promise<void>> = [];
    const real = new RealClock((w) => work.push(w));
    const ran = new Promise<string | undefined>((resolve) => context.run('pusher', () => real.schedule(Date.now(), async () => resolve(context.getStore()))));
    expect(await ran).toBeUndefined();
    real.stop();
  });

  it('delivers an undelayed event at once and a delayed one when the clock gets there', async () => {
    const { push, deliveries, clock, settle } = setup(() => done);
    push([{ body: { n: 1 } }, { body: { n: 2 }, delayInSeconds: 10 }]);
    await settle();
    expect(deliveries.map((d) => [d.at, d.event.body])).toEqual([[0, { n: 1 }]]);
    await clock.advance(9_999);
    expect(deliveries).toHaveLength(1);
    await clock.advance(1);
    expect(deliveries.map((d) => [d.at, d.event.body])).toEqual([[0, { n: 1 }], [10_000, { n: 2 }]]);
  });

  it(`retries on request after retryAfter, at most ${DEFAULT_MAX_RETRIES} times, then marks the event failed`, async () => {
    const { push, deliveries, clock, settle, queue } = setup(() => retry(10));
    push([{ body: {} }]);
    await settle();
    await clock.advance(3_600_000);
    expect(deliveries.map((d) => [d.at, d.event.retryContext?.retryCount])).toEqual([
      [0, undefined],
      [10_000, 1],
      [20_000, 2],
      [30_000, 3],
      [40_000, 4],
    ]);
    expect(queue.contents()).toEqual([]);
    const stats = queue.stats({ queueName: 'q', jobId: 'job-1', time: '' });
    expect(await stats.json()).toEqual({ success: 0, inProgress: 0, failed: 1 });
  });

  it('retries a timed-out consumer but not one that threw', async () => {
    const timedOut = setup((event) =>
      event.retryContext ? done : { ok: false, error: new ForgeInvocationError('FUNCTION_TIME_OUT', 'slow') },
    );
    timedOut.push([{ body: {} }]);
    await timedOut.settle();
    await timedOut.clock.advance(1_000);
    expect(timedOut.deliveries.map((d) => d.event.retryContext?.retryReason)).toEqual([undefined, 'FUNCTION_TIME_OUT']);

    const threw = setup(() => ({ ok: false, error: new ForgeInvocationError('FUNCTION_ERR', 'boom') }));
    threw.push([{ body: {} }]);
    await threw.settle();
    await threw.clock.advance(3_600_000);
    expect(threw.deliveries).toHaveLength(1);
  });

  it('cancels the pending events of a job', async () => {
    const { push, queue, clock, deliveries } = setup(() => done);
    push([{ body: {}, delayInSeconds: 60 }]);
    expect(queue.cancel({ queueName: 'q', jobId: 'job-1', time: '' }).status).toBe(204);
    expect(queue.cancel({ queueName: 'q', jobId: 'nope', time: '' }).status).toBe(404);
    await clock.advance(120_000);
    expect(deliveries).toEqual([]);
  });
});
