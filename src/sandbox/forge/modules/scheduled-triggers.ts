import type { Clock } from '../clock';
import { ForgeEmulatorError } from '../errors';
import type { InvocationOutcome, Invoker } from '../invoker';
import type { ScheduleInterval, ScheduledTriggerModule } from '../manifest-loader';

export const SCHEDULE_INTERVAL_MS: Record<ScheduleInterval, number> = {
  fiveMinute: 5 * 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

export type ScheduledTriggerDeps = {
  invoker: Invoker;
  clock: Clock;
  triggers: ScheduledTriggerModule[];
  cloudId: string;
  installContext: string;
  /** Period per interval; the sandbox shortens them, tests keep Forge's. */
  periodMs: Record<ScheduleInterval, number>;
};

/** Runs one scheduled trigger now, with the payload Forge sends (`{context: {cloudId, moduleKey}}`). */
export function runScheduledTrigger(deps: ScheduledTriggerDeps, key: string): Promise<InvocationOutcome> {
  const trigger = deps.triggers.find((candidate) => candidate.key === key);
  if (trigger === undefined) throw new ForgeEmulatorError('MODULE_NOT_FOUND', `No scheduledTrigger module ${key}`);
  return deps.invoker.invoke({
    kind: 'scheduledTrigger',
    moduleKey: trigger.key,
    functionKey: trigger.function,
    detail: trigger.interval,
    args: [{ context: { cloudId: deps.cloudId, moduleKey: trigger.key } }, { installContext: deps.installContext }],
  });
}

/**
 * Schedules every trigger one period after start and then every period, like a fresh deployment. A thrown error
 * is recorded and not retried; the next run still happens.
 */
export function startScheduledTriggers(deps: ScheduledTriggerDeps): void {
  for (const trigger of deps.triggers) {
    const period = deps.periodMs[trigger.interval];
    const tick = (at: number) =>
      deps.clock.schedule(at, async () => {
        tick(at + period);
        await runScheduledTrigger(deps, trigger.key);
      });
    tick(deps.clock.now() + period);
  }
}
