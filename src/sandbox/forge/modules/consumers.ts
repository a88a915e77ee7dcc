import type { InvocationOutcome, Invoker } from '../invoker';
import type { ConsumerModule } from '../manifest-loader';
import type { AsyncEvent } from '../queue';

/** Invokes a consumer module's function with the AsyncEvent, as @forge/events 2+ consumers receive it. */
export function deliverToConsumer(
  deps: { invoker: Invoker; installContext: string },
  consumer: ConsumerModule,
  event: AsyncEvent,
): Promise<InvocationOutcome> {
  return deps.invoker.invoke({
    kind: 'consumer',
    moduleKey: consumer.key,
    functionKey: consumer.function,
    detail: `${consumer.queue}${event.retryContext ? ` retry ${event.retryContext.retryCount}` : ''}`,
    args: [event, { installContext: deps.installContext }],
  });
}
