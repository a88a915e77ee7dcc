import { z } from 'zod';
import { dbaWorkflow } from '../../src/sandbox/start/sandbox-workflow';
import { installedApp } from './support/install-app';
import { answerApproval, raise, readTicket, resolveOk } from './support/ticket';

jest.setTimeout(90_000);

const grantView = z.object({
  grant: z.object({ approvers: z.array(z.object({ accountId: z.string() })), history: z.array(z.object({ event: z.string(), note: z.string().optional() })) }),
  people: z.record(z.string(), z.string()),
});
const auditView = z.object({ rows: z.array(z.object({ ticket: z.string(), approvers: z.array(z.string()), approverNames: z.array(z.string()) })) });

// A JSM approval step that needs two answers: the grant records both approvers, and people read their names.
describe('an approval answered by two approvers', () => {
  const app = installedApp();

  it('records both on the grant; the panel and the audit name them, and no note lists their account ids', async () => {
    const { site } = app();
    const { requester, approver, approver2, admin } = site.people;
    const [step] = dbaWorkflow.approvals ?? [];
    if (!step) throw new Error('the access workflow has no approval step');
    site.jsm.admin.setWorkflow('JIT', { ...dbaWorkflow, approvals: [{ ...step, required: 2 }] }, 'Service Request with Approvals');

    const key = await raise(site, app().ids, requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 5' });
    expect(await answerApproval(site, key, approver, 'approve')).toBe(200);
    expect((await readTicket(site, key)).property).toMatchObject({ state: 'awaiting-approval' });
    expect(await answerApproval(site, key, approver2, 'approve')).toBe(200);
    expect((await readTicket(site, key)).property).toMatchObject({ state: 'active' });

    const view = grantView.parse(await resolveOk(site, requester, 'getGrant', {}, key));
    expect(view.grant.approvers.map((entry) => entry.accountId)).toEqual([approver, approver2]);
    expect(view.grant.approvers.map((entry) => view.people[entry.accountId])).toEqual(['Bob Approver', 'Carol Approver']);
    for (const entry of view.grant.history) expect(entry.note ?? '').not.toContain(approver2);

    const range = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const audit = auditView.parse(await resolveOk(site, admin, 'auditGrants', range));
    expect(audit.rows.find((row) => row.ticket === key)).toMatchObject({ approvers: [approver, approver2], approverNames: ['Bob Approver', 'Carol Approver'] });
  });
});
