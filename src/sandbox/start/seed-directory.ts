import { addHours } from 'date-fns';
import { z } from 'zod';
import { changeWorkflow, type JsmEmulator } from '../jsm';
import { APPROVER_GROUP, CHANGE_PROJECT, DEMO_USERS, SERVICE_DESK, type DemoUserKey } from './demo-directory';
import { dbaWorkflow } from './sandbox-workflow';

export type SeededDirectory = {
  users: Record<DemoUserKey, { accountId: string; email: string; displayName: string; role: string }>;
  serviceDeskId: string;
  projectKey: string;
  changeKey: string;
};

const createdIssue = z.looseObject({ key: z.string() });

/**
 * What a Jira site has before the app is installed, seeded through the emulator's admin API (JSM configures
 * these in its UI): the demo users and groups, the DBA service desk with its workflow, and an approved
 * change request with a planned window.
 */
export async function seedDirectory(jsm: JsmEmulator, now: Date): Promise<SeededDirectory> {
  const { admin } = jsm;
  const users = Object.fromEntries(
    DEMO_USERS.map((user) => [user.key, { ...admin.createUser({ email: user.email, displayName: user.displayName }), email: user.email, displayName: user.displayName, role: user.role }]),
  ) as SeededDirectory['users'];
  admin.addToGroup(admin.adminsGroup, users.admin.accountId);
  admin.addToGroup(APPROVER_GROUP, users.approver.accountId);
  admin.addToGroup(admin.agentsGroup, users.approver.accountId);

  const desk = admin.createServiceDesk({ key: SERVICE_DESK.key, name: SERVICE_DESK.name, leadAccountId: users.admin.accountId, workflow: dbaWorkflow });
  admin.createProject({ key: CHANGE_PROJECT.key, name: CHANGE_PROJECT.name, leadAccountId: users.admin.accountId, workflow: changeWorkflow });
  const plannedStart = admin.createCustomField({ name: 'Planned start', type: 'datetime' }).id;
  const plannedEnd = admin.createCustomField({ name: 'Planned end', type: 'datetime' }).id;

  const asAdmin = { kind: 'user' as const, accountId: users.admin.accountId };
  const call = async (method: string, path: string, body: unknown): Promise<unknown> => {
    const response = await jsm.handle(new Request(`http://sandbox.local${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }), asAdmin);
    const text = await response.text();
    if (!response.ok) throw new Error(`seeding ${method} ${path} failed: ${response.status} ${text}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  };
  const change = createdIssue.parse(
    await call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: CHANGE_PROJECT.key },
        issuetype: { name: 'Change' },
        summary: 'Quarterly index maintenance on shop-prod',
        [plannedStart]: now.toISOString(),
        [plannedEnd]: addHours(now, 24).toISOString(),
      },
    }),
  );
  const ready = admin.transitionId(CHANGE_PROJECT.key, 'Change', 'Ready for implementation');
  await call('POST', `/rest/api/3/issue/${change.key}/transitions`, { transition: { id: ready } });
  return { users, serviceDeskId: desk.serviceDeskId, projectKey: desk.projectKey, changeKey: change.key };
}
