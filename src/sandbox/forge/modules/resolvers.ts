import { ForgeEmulatorError } from '../errors';
import type { Invoker } from '../invoker';
import type { ResolverModule } from '../manifest-loader';

export type ResolverCall = {
  /** The UI module whose resolver is called, e.g. the issue panel's key. */
  moduleKey: string;
  /** The name given to `resolver.define(...)`. */
  functionKey: string;
  payload?: unknown;
  /** The signed-in user the bridge call comes from. */
  accountId: string;
  /** Module-specific context the bridge adds, e.g. `{ issue: { key, id }, project: { id, key } }`. */
  extension?: Record<string, unknown>;
  localId?: string;
};

export type ResolverDeps = {
  invoker: Invoker;
  modules: ResolverModule[];
  cloudId: string;
  siteUrl: string;
  environmentId: string;
  installContext: string;
};

/**
 * Calls a resolver the way Forge's bridge `invoke` does: @forge/resolver's getDefinitions() handler takes
 * `({call: {functionKey, payload}, context}, {principal: {accountId}, installContext})` and passes the resolver
 * `{payload, context}` with `context.accountId` from the principal. Resolves with the resolver's return value;
 * rejects with ForgeInvocationError when the function fails or times out.
 */
export async function invokeResolver(deps: ResolverDeps, call: ResolverCall): Promise<unknown> {
  const module = deps.modules.find((candidate) => candidate.key === call.moduleKey);
  if (module === undefined) {
    throw new ForgeEmulatorError('MODULE_NOT_FOUND', `No module ${call.moduleKey} with a resolver in the manifest`);
  }
  const context = {
    accountId: call.accountId,
    cloudId: deps.cloudId,
    siteUrl: deps.siteUrl,
    localId: call.localId ?? `${module.key}-local`,
    moduleKey: module.key,
    environmentId: deps.environmentId,
    environmentType: 'DEVELOPMENT',
    extension: { type: module.type, ...call.extension },
  };
  const outcome = await deps.invoker.invoke({
    kind: 'resolver',
    moduleKey: module.key,
    functionKey: module.functionKey,
    detail: call.functionKey,
    principalAccountId: call.accountId,
    args: [
      { call: { functionKey: call.functionKey, payload: call.payload }, context },
      { principal: { accountId: call.accountId }, installContext: deps.installContext },
    ],
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
