import type { InvocationOutcome, Invoker } from '../invoker';
import type { TriggerModule } from '../manifest-loader';
import type { ForgeProductEvent } from '../product';

export type TriggerDelivery = { moduleKey: string; outcome: InvocationOutcome };

/**
 * Delivers a product event to every trigger module listening for its type, as Forge does: the handler gets the
 * event (with `context`) and a context carrying the installation. `filter.ignoreSelf` drops events the app
 * caused: those the product marks `selfGenerated`, or whose `atlassianId` is the app's own account.
 */
export async function deliverProductEvent(
  deps: { invoker: Invoker; triggers: TriggerModule[]; cloudId: string; installContext: string; appAccountId: string },
  event: ForgeProductEvent,
): Promise<TriggerDelivery[]> {
  const selfGenerated = event.selfGenerated === true || event.atlassianId === deps.appAccountId;
  const listening = deps.triggers.filter(
    (trigger) => trigger.events.includes(event.eventType) && !(trigger.filter?.ignoreSelf === true && selfGenerated),
  );
  return Promise.all(
    listening.map(async (trigger) => ({
      moduleKey: trigger.key,
      outcome: await deps.invoker.invoke({
        kind: 'trigger',
        moduleKey: trigger.key,
        functionKey: trigger.function,
        detail: event.eventType,
        args: [
          { ...event, selfGenerated, context: { cloudId: deps.cloudId, moduleKey: trigger.key } },
          { installContext: deps.installContext },
        ],
      }),
    })),
  );
}
