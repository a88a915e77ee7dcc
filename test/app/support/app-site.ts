// The Forge runtime emulator must load before anything that loads @forge/api.
import { createForgeRuntime, type ForgeRuntime } from '../../../src/sandbox/forge';
import { join } from 'node:path';
import { createJsmEmulator, type JsmEmulator, type JsmIdentity } from '../../../src/sandbox/jsm';
import { dbaWorkflow } from '../../../src/sandbox/start/sandbox-workflow';

export const REPO = join(__dirname, '..', '..', '..');

export { freePort } from '../../../src/sandbox/start/free-port';

export type RecordedCall = { method: string; path: string; body: unknown; status: number; response: unknown };

export interface Site {
  jsm: JsmEmulator;
  runtime: ForgeRuntime;
  people: { requester: string; requester2: string; approver: string; approver2: string; agent: string; admin: string; selfApprover: string };
  serviceDeskId: string;
  /** Every Jira and JSM request the app made, with its body and the answer, for contract checks. */
  appCalls: RecordedCall[];
  /**
   * Fault injection: the app's next request that `matches` gets a 503, once, either refused before it
   * reaches the site or (`lose-answer`) after the site applied it, as when the answer is lost on the way;
   * or (`hang`) it never gets an answer, so the invocation runs into its time limit.
   */
  failOnce(matches: (method: string, path: string) => boolean, mode?: 'refuse' | 'lose-answer' | 'hang'): void;
}

/** A multipart upload (an attachment) is recorded without its body: the specs describe JSON bodies only. */
const isJson = (request: Request) => !/^multipart\//i.test(request.headers.get('content-type') ?? '');

/** A JSM site with the access workflow, its people and a change project, and the app on the Forge runtime emulator. */
export function createSite(options: { extraBackendEgress: string[]; msPerLimitSecond?: number }): Site {
  const jsm = createJsmEmulator({ baseUrl: 'https://jit.atlassian.net' });
  const { admin } = jsm;
  const user = (email: string, displayName: string, accountType: 'atlassian' | 'customer' = 'atlassian') => admin.createUser({ email, displayName, accountType }).accountId;
  const people = {
    requester: user('rita@example.com', 'Rita Requester', 'customer'),
    requester2: user('sam@example.com', 'Sam Requester', 'customer'),
    approver: user('bob@example.com', 'Bob Approver'),
    approver2: user('carol@example.com', 'Carol Approver'),
    agent: user('alice@example.com', 'Alice Agent'),
    admin: user('root@example.com', 'Rita Admin'),
    selfApprover: user('dan@example.com', 'Dan Lead'),
  };
  admin.addToGroup(admin.agentsGroup, people.agent);
  admin.addToGroup(admin.adminsGroup, people.admin);
  for (const member of [people.approver, people.approver2, people.selfApprover]) admin.addToGroup('dba-leads', member);
  const desk = admin.createServiceDesk({ key: 'JIT', name: 'Database access', leadAccountId: people.agent, workflows: { 'Service Request with Approvals': dbaWorkflow } });
  admin.createProject({ key: 'CHG', name: 'Changes' });
  admin.createCustomField({ name: 'Planned start', type: 'datetime' });
  admin.createCustomField({ name: 'Planned end', type: 'datetime' });

  const appCalls: RecordedCall[] = [];
  const faults: Array<{ matches: (method: string, path: string) => boolean; mode: 'refuse' | 'lose-answer' | 'hang' }> = [];
  const injected = () => new Response(JSON.stringify({ errorMessages: ['injected fault'] }), { status: 503, headers: { 'content-type': 'application/json' } });
  const product = {
    async handle(request: Request, identity: JsmIdentity): Promise<Response> {
      const url = new URL(request.url);
      const index = identity.kind === 'app' ? faults.findIndex((fault) => fault.matches(request.method, url.pathname)) : -1;
      const [fault] = index >= 0 ? faults.splice(index, 1) : [];
      if (fault?.mode === 'refuse') return injected();
      if (fault?.mode === 'hang') return new Promise<Response>(() => undefined);
      const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.clone().text();
      const response = await jsm.handle(request, identity);
      if (url.pathname.startsWith('/rest/api/3/') || url.pathname.startsWith('/rest/servicedeskapi/')) {
        const answer = await response.clone().text();
        appCalls.push({ method: request.method, path: url.pathname, body: text && isJson(request) ? JSON.parse(text) : undefined, status: response.status, response: answer ? JSON.parse(answer) : undefined });
      }
      return fault ? injected() : response;
    },
    onEvent: (listener: Parameters<JsmEmulator['onEvent']>[0]) => jsm.onEvent(listener),
  };
  const runtime = createForgeRuntime({
    manifestPath: join(REPO, 'manifest.yml'),
    appSourceRoot: join(REPO, 'src'),
    product,
    appAccountId: admin.appAccountId,
    extraBackendEgress: options.extraBackendEgress,
    clock: { mode: 'manual' },
    ...(options.msPerLimitSecond ? { msPerLimitSecond: options.msPerLimitSecond } : {}),
  });
  return { jsm, runtime, people, serviceDeskId: desk.serviceDeskId, appCalls, failOnce: (matches, mode = 'refuse') => void faults.push({ matches, mode }) };
}

/** Waits until product events, triggers, queue work and the schedule are all quiet. */
export async function settle(site: Site): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    await site.jsm.admin.flushEvents();
    await site.runtime.settle();
    await new Promise((resolve) => setImmediate(resolve));
    if (site.runtime.inspect.queue().every((queued) => queued.state === 'pending' && Date.parse(queued.deliverAt) > site.runtime.clock.now().getTime())) {
      await site.jsm.admin.flushEvents();
      await site.runtime.settle();
      return;
    }
  }
}
