import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { ForgeEmulatorError, ForgeInvocationError } from './errors';
import { type RuntimeIdentity, buildForgeRuntimeObject } from './forge-runtime-object';
import { type SeamServices, runInInvocation } from './invocation-context';
import type { InvocationLog, ModuleKind } from './invocation-log';
import type { AppFunction, LoadedManifest } from './manifest-loader';

/**
 * Function time limits by what invokes the function (FORGE-FACTS "Functions and limits"): `timeoutSeconds`
 * from the manifest, else the default, never above the maximum for that kind of invocation.
 */
export const TIME_LIMITS: Record<ModuleKind, { defaultSeconds: number; maxSeconds: number }> = {
  resolver: { defaultSeconds: 25, maxSeconds: 25 },
  trigger: { defaultSeconds: 25, maxSeconds: 25 },
  webtrigger: { defaultSeconds: 55, maxSeconds: 55 },
  consumer: { defaultSeconds: 900, maxSeconds: 900 },
  scheduledTrigger: { defaultSeconds: 900, maxSeconds: 900 },
};

export type InvocationRequest = {
  kind: ModuleKind;
  moduleKey: string;
  functionKey: string;
  args: unknown[];
  detail: string;
  principalAccountId?: string;
  /** Says what is wrong with a returned value that this kind of module does not accept. */
  checkResult?: (value: unknown) => string | undefined;
};

export type InvocationOutcome = { ok: true; value: unknown } | { ok: false; error: ForgeInvocationError };

type Handler = (...args: unknown[]) => unknown;

/** Calls app functions the way Forge does: one fresh invocation context each, within the function's time limit. */
export class Invoker {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly deps: {
      manifest: LoadedManifest;
      identity: RuntimeIdentity;
      services: SeamServices;
      clock: Clock;
      log: InvocationLog;
    },
  ) {}

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    const fn = this.deps.manifest.functions.get(request.functionKey);
    if (fn === undefined) {
      throw new ForgeEmulatorError('MODULE_NOT_FOUND', `The manifest declares no function ${request.functionKey}`);
    }
    const handler = this.load(fn);
    const limits = TIME_LIMITS[request.kind];
    const limitMs = Math.min(fn.timeoutSeconds ?? limits.defaultSeconds, limits.maxSeconds) * 1000;
    const invocationId = randomUUID();
    const startedAt = new Date(this.deps.clock.now()).toISOString();
    const started = Date.now();
    const invocation = {
      invocationId,
      principalAccountId: request.principalAccountId,
      services: this.deps.services,
      forgeRuntime: buildForgeRuntimeObject(this.deps.identity, {
        invocationId,
        moduleKey: request.moduleKey,
        deadline: started + limitMs,
        principalAccountId: request.principalAccountId,
      }),
    };
    const outcome = checked(
      await withTimeLimit(
        runInInvocation(invocation, async () => handler(...request.args)),
        limitMs,
        `${request.functionKey} ran longer than its ${limitMs / 1000} s limit`,
      ),
      request.checkResult,
    );
    this.deps.log.add({
      invocationId,
      kind: request.kind,
      moduleKey: request.moduleKey,
      functionKey: request.functionKey,
      detail: request.detail,
      principalAccountId: request.principalAccountId,
      startedAt,
      durationMs: Date.now() - started,
      outcome: outcome.ok ? 'ok' : outcome.error.code === 'FUNCTION_TIME_OUT' ? 'timeout' : 'error',
      ...(outcome.ok ? {} : { error: describe(outcome.error.cause ?? outcome.error) }),
    });
    return outcome;
  }

  /** Loads the handler's module on first use, through the caller's module system (ts-jest in tests, tsx in the sandbox). */
  private load(fn: AppFunction): Handler {
    const cached = this.handlers.get(fn.key);
    if (cached !== undefined) return cached;
    // A plain require keeps the app in the same module registry as @forge/* and this emulator.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded: unknown = require(fn.file);
    const handler = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, fn.exportName) : undefined;
    if (typeof handler !== 'function') {
      throw new ForgeEmulatorError('HANDLER_NOT_FOUND', `${fn.file} exports no function ${fn.exportName} (function ${fn.key})`);
    }
    const bound: Handler = (...args) => Reflect.apply(handler, undefined, args);
    this.handlers.set(fn.key, bound);
    return bound;
  }
}

/** The handler keeps running after its time is up (Node cannot kill it); its result is ignored, as on Forge. */
async function withTimeLimit(work: Promise<unknown>, limitMs: number, message: string): Promise<InvocationOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: new ForgeInvocationError('FUNCTION_TIME_OUT', message) }), limitMs);
  });
  const result = work.then(
    (value): InvocationOutcome => ({ ok: true, value }),
    (cause: unknown): InvocationOutcome => ({
      ok: false,
      error: new ForgeInvocationError('FUNCTION_ERR', `The function failed: ${describe(cause).message}`, { cause }),
    }),
  );
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checked(outcome: InvocationOutcome, check: InvocationRequest['checkResult']): InvocationOutcome {
  const problem = outcome.ok && check !== undefined ? check(outcome.value) : undefined;
  return problem === undefined ? outcome : { ok: false, error: new ForgeInvocationError('INVALID_RESPONSE', problem) };
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
