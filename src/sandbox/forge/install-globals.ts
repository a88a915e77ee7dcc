import { ForgeEmulatorError } from './errors';
import { type Invocation, currentInvocation } from './invocation-context';

// Nothing from @forge/* may be imported here: @forge/api captures `globalThis.fetch` when it loads, so the egress
// guard below must be in place first. Import this module before anything that loads @forge/api.

const INSTALLED = Symbol.for('jit-access.forge-emulator.globals');

type ForgeFetch = (descriptor: unknown, path: string, init?: RequestInit) => Promise<Response>;

/** An invocation past its time limit makes no more calls: on Forge its process is gone. */
function refuseIfCutOff(invocation: Invocation, what: string): void {
  if (invocation.cutOff()) {
    throw new ForgeEmulatorError('INVOCATION_CUT_OFF', `${what} after the invocation's time limit: Forge has stopped the function by now`);
  }
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/**
 * Installs the platform seam on this realm's global object, once:
 * - `__forge_runtime__`: the current invocation's runtime object (undefined outside an invocation);
 * - `__forge_fetch__`: the proxy @forge/api, @forge/kvs and @forge/events send platform calls to;
 * - `fetch`: inside an invocation, only to the manifest's backend egress addresses, as Forge's runtime does.
 */
export function installForgeGlobals(): void {
  const globals: Record<string | symbol, unknown> = globalThis;
  if (globals[INSTALLED] === true) return;
  Object.defineProperty(globalThis, '__forge_runtime__', {
    configurable: true,
    get: () => currentInvocation()?.forgeRuntime,
  });
  const forgeFetch: ForgeFetch = async (descriptor, path, init) => {
    const invocation = currentInvocation();
    if (invocation === undefined) {
      throw new ForgeEmulatorError('OUTSIDE_INVOCATION', `__forge_fetch__ called outside a Forge invocation (${path})`);
    }
    refuseIfCutOff(invocation, `Platform call ${path}`);
    return invocation.services.forgeFetch(descriptor, path, init, invocation);
  };
  Object.defineProperty(globalThis, '__forge_fetch__', { configurable: true, value: forgeFetch });
  const unguardedFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const invocation = currentInvocation();
    if (invocation !== undefined) {
      refuseIfCutOff(invocation, `fetch ${requestUrl(input)}`);
      invocation.services.assertEgressAllowed(requestUrl(input));
    }
    return unguardedFetch(input, init);
  };
  globals[INSTALLED] = true;
}

installForgeGlobals();
