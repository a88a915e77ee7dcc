import { z } from 'zod';
import { contracts, resultEnvelope, type ResolverName, type ResolverPayload, type ResolverResult } from '../../app/resolvers/contracts';
import type { ForgeRuntime } from '../forge';

export type IssueContext = { issue: { key: string; id: string }; project: { key: string; id: string } };
/** The portal's create form: a request type and its portal, no request yet. */
export type CreateFormContext = { portal: { id: number }; request: { typeId: number } };

/** Which UI module a resolver call comes from, as the bridge would send it: admin calls from the admin page. */
function moduleKeyFor(runtime: ForgeRuntime, kind: 'admin' | 'issue'): string {
  const modules = runtime.manifest.resolverModules;
  const preferred = kind === 'admin' ? ['jira:adminPage', 'jira:projectSettingsPage'] : ['jira:issuePanel', 'jira:issueContext', 'jiraServiceManagement:portalRequestDetail'];
  const module = preferred.map((type) => modules.find((candidate) => candidate.type === type)).find((found) => found !== undefined) ?? modules[0];
  if (module === undefined) throw new Error('the app manifest declares no UI module with a resolver');
  return module.key;
}

export class ResolverFailed extends Error {
  override readonly name = 'ResolverFailed';
  constructor(
    readonly resolver: string,
    readonly code: string,
    message: string,
  ) {
    super(`${resolver}: ${code}: ${message}`);
  }
}

/** The app's resolvers called as the bridge calls them, as a given user, with results checked against the contracts. */
export function appResolvers(runtime: ForgeRuntime) {
  const raw = (accountId: string, functionKey: string, payload: unknown, issue?: IssueContext | CreateFormContext, moduleKey?: string): Promise<unknown> =>
    runtime.invokeResolver({ moduleKey: moduleKey ?? moduleKeyFor(runtime, issue ? 'issue' : 'admin'), functionKey, payload, accountId, ...(issue ? { extension: issue } : {}) });
  return {
    raw,
    async call<N extends ResolverName>(name: N, accountId: string, payload: ResolverPayload<N>, issue?: IssueContext): Promise<ResolverResult<N>> {
      const envelope = resultEnvelope(contracts[name].result as z.ZodType).parse(await raw(accountId, name, payload, issue));
      if (!envelope.ok) throw new ResolverFailed(name, envelope.error.code, envelope.error.message);
      return envelope.data as ResolverResult<N>;
    },
  };
}

export type AppResolvers = ReturnType<typeof appResolvers>;
