import type { ModuleKind } from './invocation-log';

// Forge's invocation limits, as the Forge CLI's own linter enforces them (@forge/lint 6.3.1,
// FunctionTimeoutLinter): 25 s for every function, 55 s for web triggers, and only functions used by
// consumers or scheduled triggers may raise theirs with `timeoutSeconds`, up to 900 s.
export const DEFAULT_TIMEOUT_SECONDS = 25;
export const WEBTRIGGER_TIMEOUT_SECONDS = 55;
export const MAX_TIMEOUT_SECONDS = 900;

const LONG_RUNNING_MODULE_TYPES: ReadonlySet<string> = new Set(['consumer', 'scheduledTrigger']);

/** The time limit of one invocation of a function by a module of this kind. */
export function timeLimitSeconds(kind: ModuleKind, timeoutSeconds: number | undefined): number {
  if (LONG_RUNNING_MODULE_TYPES.has(kind)) return timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  return kind === 'webtrigger' ? WEBTRIGGER_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS;
}

/** A module that invokes a function; `moduleType` is the manifest's (`trigger`, `jira:adminPage`, ...). */
export type FunctionUse = { functionKey: string; moduleKey: string; moduleType: string };

/**
 * What `forge deploy` refuses about `timeoutSeconds`, in the words of Atlassian's linter: a timeout on a
 * function that no consumer or scheduled trigger uses, and a consumer's function shared with a module
 * whose limit is below the function's timeout.
 */
export function timeoutProblems(functions: ReadonlyArray<{ key: string; timeoutSeconds?: number | undefined }>, uses: readonly FunctionUse[]): string[] {
  const problems: string[] = [];
  for (const fn of functions) {
    if (fn.timeoutSeconds === undefined) continue;
    const timeout = fn.timeoutSeconds;
    const usedBy = uses.filter((use) => use.functionKey === fn.key);
    const longRunning = usedBy.some((use) => LONG_RUNNING_MODULE_TYPES.has(use.moduleType));
    for (const use of usedBy) {
      if (LONG_RUNNING_MODULE_TYPES.has(use.moduleType)) continue;
      const limit = use.moduleType === 'webtrigger' ? WEBTRIGGER_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS;
      if (!longRunning) {
        problems.push(
          `Function "${fn.key}" defines timeoutSeconds (${timeout}s) but is used by ${use.moduleType} "${use.moduleKey}". Only consumer and scheduledTrigger functions support custom timeouts.`,
        );
      } else if (timeout > limit) {
        problems.push(
          `Function "${fn.key}" is used by a consumer and ${use.moduleType} "${use.moduleKey}". Consumer functions must not be shared with other modules. Use a separate function for each module type.`,
        );
      }
    }
  }
  return problems;
}
