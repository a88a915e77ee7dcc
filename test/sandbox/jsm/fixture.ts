import { accessRequestWorkflow, createJsmEmulator, type JsmEmulator, type JsmEmulatorOptions, type JsmIdentity } from '../../../src/sandbox/jsm';

export type Site = Awaited<ReturnType<typeof seedSite>>;
export type CallResult = { status: number; body: unknown; headers: Headers };

/** One JSM site as the JIT-access app meets it: a service desk with an approval workflow and its people. */
export function seedSite(options: JsmEmulatorOptions = {}) {
  const jsm: JsmEmulator = createJsmEmulator({ baseUrl: 'https://example.atlassian.net', ...options });
  const { admin } = jsm;
  const user = (email: string, displayName: string, accountType: 'atlassian' | 'customer' = 'atlassian') => admin.createUser({ email, displayName, accountType }).accountId;
  const people = {
    agent: user('alice@example.com', 'Alice Agent'),
    approver: user('bob@example.com', 'Bob Approver'),
    approver2: user('carol@example.com', 'Carol Approver'),
    customer: user('dave@example.com', 'Dave Customer', 'customer'),
    otherCustomer: user('erin@example.com', 'Erin Customer', 'customer'),
    siteAdmin: user('root@example.com', 'Rita Admin'),
  };
  admin.addToGroup(admin.agentsGroup, people.agent);
  admin.addToGroup('jit-approvers', people.approver);
  admin.addToGroup('jit-approvers', people.approver2);
  admin.addToGroup(admin.adminsGroup, people.siteAdmin);
  const desk = admin.createServiceDesk({
    key: 'JIT',
    name: 'Database access',
    leadAccountId: people.agent,
    workflows: { 'Service Request with Approvals': accessRequestWorkflow('jit-approvers') },
  });
  const database = admin.createCustomField({ name: 'Target database', type: 'select', options: ['orders-db', 'billing-db'] }).id;
  const level = admin.createCustomField({ name: 'Access level', type: 'select', options: ['read', 'write'] }).id;
  const duration = admin.createCustomField({ name: 'Duration', type: 'textfield' }).id;
  const requestType = admin.createRequestType({
    serviceDeskId: desk.serviceDeskId,
    name: 'Database access',
    issueTypeName: 'Service Request with Approvals',
    fields: [
      { fieldId: 'summary', required: true },
      { fieldId: 'description', name: 'Justification' },
      { fieldId: database, required: true },
      { fieldId: level, required: true },
      { fieldId: duration },
    ],
  }).id;
  return { jsm, people, desk, fields: { database, level, duration }, requestType };
}

export const asUser = (accountId: string): JsmIdentity => ({ kind: 'user', accountId });
export const asApp: JsmIdentity = { kind: 'app' };

export async function call(jsm: JsmEmulator, identity: JsmIdentity, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallResult> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', accept: 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await jsm.handle(new Request(`https://example.atlassian.net${path}`, init), identity);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown), headers: response.headers };
}

/** Raises a database access request as the given user and returns its key. */
export async function raiseRequest(site: Site, reporter: string, summary = 'Read access to orders-db'): Promise<string> {
  const result = await call(site.jsm, asUser(reporter), 'POST', '/rest/servicedeskapi/request', {
    serviceDeskId: site.desk.serviceDeskId,
    requestTypeId: site.requestType,
    requestFieldValues: { summary, description: 'Investigating INC-42', [site.fields.database]: { value: 'orders-db' }, [site.fields.level]: { value: 'read' }, [site.fields.duration]: '2h' },
  });
  if (result.status !== 201) throw new Error(`raise failed: ${result.status} ${JSON.stringify(result.body)}`);
  return (result.body as { issueKey: string }).issueKey;
}

/** Reads a nested value from a parsed JSON body, for assertions. */
export function at(body: unknown, ...path: (string | number)[]): unknown {
  let value = body;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[key] : undefined;
  return value;
}
