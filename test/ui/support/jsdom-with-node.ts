import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import JSDOMEnvironment from 'jest-environment-jsdom';
import { runInContext } from 'node:vm';

/**
 * jsdom for the pages, plus the Node globals jsdom leaves out that the product under the pages needs
 * (the Forge runtime emulator, the JSM emulator and the connector run in the same test: fetch, streams,
 * TextEncoder, Node's timers with unref…). Use with the docblock `@jest-environment ./test/ui/support/jsdom-with-node.ts`.
 */
const NODE_GLOBALS = [
  'fetch',
  'Request',
  'Response',
  'Headers',
  'FormData',
  'AbortController',
  'AbortSignal',
  'TextEncoder',
  'TextDecoder',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'structuredClone',
  'BroadcastChannel',
  'MessageChannel',
  'MessagePort',
  'WebAssembly',
  'crypto',
  'performance',
] as const;

export default class JsdomWithNodeEnvironment extends JSDOMEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const target = this.global as unknown as Record<string, unknown>;
    const source = globalThis as unknown as Record<string, unknown>;
    // Defined, not assigned: jsdom's own `crypto` (no `subtle`, which JOSE needs) is not writable.
    for (const name of NODE_GLOBALS) Object.defineProperty(target, name, { value: source[name], writable: true, configurable: true });
    // Node's TextEncoder makes Node's Uint8Array, which fails `instanceof Uint8Array` in this realm (JOSE checks it).
    const vmContext = this.getVmContext();
    if (vmContext) {
      const RealmTextEncoder = runInContext('(Base) => class TextEncoder extends Base { encode(text) { return new Uint8Array(super.encode(text)); } }', vmContext) as (
        base: typeof TextEncoder,
      ) => typeof TextEncoder;
      Object.defineProperty(target, 'TextEncoder', { value: RealmTextEncoder(TextEncoder), writable: true, configurable: true });
    }
  }
}
