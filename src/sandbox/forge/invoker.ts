import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { ForgeEmulatorError, ForgeInvocationError } from './errors';
import { type RuntimeIdentity, buildForgeRuntimeObject } from './forge-runtime-object';
import { type SeamServices, runInInvocation } from './invocation-context';
import type { InvocationLog, ModuleKind } from './invocation-log';
import type { AppFunction, LoadedManifest } from './manifest-loader';
import { timeLimitSeconds } from './time-limits';

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
      /** How long a second of a Forge time limit lasts here: 1000, or less in tests that cut functions off. */
      msPerLimitSecond: number;
    },
  ) {}

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    const fn = this.deps.manifest.functions.get(request.functionKey);
    if (fn === undefined) {
      throw new ForgeEmulatorError('MODULE_NOT_FOUND', `The manifest declares no function ${request.functionKey}`);
    }
    const handler = this.load(fn);
    const limitSeconds = timeLimitSeconds(request.kind, fn.timeoutSeconds);
    const limitMs = limitSeconds * this.deps.msPerLimitSecond;
    const invocationId = randomUUID();
    let cutOff = false;
    const startedAt = new Date(this.deps.clock.now()).toISOString();
    const started = Date.now();
    const invocation = {
      invocationId,
      principalAccountId: request.principalAccountId,
      services: this.deps.services,
      cutOff: () => cutOff,
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
        `${request.functionKey} ran longer than its ${limitSeconds} s limit`,
        () => (cutOff = true),
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

/**
 * Forge stops a function at its time limit. Node cannot kill the handler, so it is cut off instead: its
 * result is discarded and, through `onCutOff`, every platform call it still makes is refused.
 */
async function withTimeLimit(work: Promise<unknown>, limitMs: number, message: string, onCutOff: () => void): Promise<InvocationOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(() => {
      onCutOff();
      resolve({ ok: false, error: new ForgeInvocationError('FUNCTION_TIME_OUT', message) });
    }, limitMs);
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
