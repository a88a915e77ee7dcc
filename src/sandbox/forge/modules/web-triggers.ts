import { z } from 'zod';
import { ForgeEmulatorError } from '../errors';
import type { Invoker } from '../invoker';
import type { WebtriggerModule } from '../manifest-loader';

/** What a web trigger handler receives (FORGE-FACTS "Events and triggers"). */
export type WebTriggerRequest = {
  method: string;
  headers: Record<string, string[]>;
  body: string;
  path: string;
  queryParameters: Record<string, string[]>;
};

const responseSchema = z.looseObject({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.array(z.string())).optional(),
  body: z.string().optional(),
});
export type WebTriggerResponse = z.infer<typeof responseSchema>;

/**
 * Invokes a web trigger module's function. A handler that throws, times out or returns something other than
 * `{statusCode, headers?, body?}` answers 500 with no details, and the invocation log says why.
 */
export async function callWebTrigger(
  deps: { invoker: Invoker; webtriggers: WebtriggerModule[]; installContext: string },
  key: string,
  request: WebTriggerRequest,
): Promise<WebTriggerResponse> {
  const module = deps.webtriggers.find((candidate) => candidate.key === key);
  if (module === undefined) throw new ForgeEmulatorError('MODULE_NOT_FOUND', `No webtrigger module ${key}`);
  const outcome = await deps.invoker.invoke({
    kind: 'webtrigger',
    moduleKey: key,
    functionKey: module.function,
    detail: `${request.method} ${request.path}`,
    args: [request, { installContext: deps.installContext }],
    checkResult: (value) => {
      const parsed = responseSchema.safeParse(value);
      return parsed.success ? undefined : `Web trigger ${key} returned an invalid response: ${z.prettifyError(parsed.error)}`;
    },
  });
  return outcome.ok ? responseSchema.parse(outcome.value) : { statusCode: 500 };
}
