import { asApp, asUser, at, call, raiseRequest, seedSite } from './fixture';

async function statusOf(site: ReturnType<typeof seedSite>, key: string): Promise<unknown> {
  return at((await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=status,resolution`)).body, 'fields', 'status', 'name');
}

describe('JSM approvals and workflow', () => {
  it('opens an approval for the group, lets only an approver answer, and moves the request when approved', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    expect(await statusOf(site, key)).toBe('Waiting for approval');

    const list = await call(site.jsm, asUser(site.people.approver), 'GET', `/rest/servicedeskapi/request/${key}/approval`);
    expect(list.status).toBe(200);
    const approval = at(list.body, 'values', 0) as { id: string; finalDecision: string; canAnswerApproval: boolean; approvers: { approver: { accountId: string } }[] };
    expect(approval.finalDecision).toBe('pending');
    expect(approval.canAnswerApproval).toBe(true);
    expect(approval.approvers.map((a) => a.approver.accountId).sort()).toEqual([site.people.approver, site.people.approver2].sort());

    for (const outsider of [site.people.agent, site.people.customer]) {
      const refused = await call(site.jsm, asUser(outsider), 'POST', `/rest/servicedeskapi/request/${key}/approval/${approval.id}`, { decision: 'approve' });
      expect(refused.status).toBe(403);
      expect(at(refused.body, 'errorMessage')).toBe('You are not allowed to answer this approval.');
    }
    const byApp = await call(site.jsm, asApp, 'POST', `/rest/servicedeskapi/request/${key}/approval/${approval.id}`, { decision: 'approve' });
    expect(byApp.status).toBe(403);
    expect(await statusOf(site, key)).toBe('Waiting for approval');

    const answered = await call(site.jsm, asUser(site.people.approver), 'POST', `/rest/servicedeskapi/request/${key}/approval/${approval.id}`, { decision: 'approve' });
    expect(answered.status).toBe(200);
    expect(at(answered.body, 'finalDecision')).toBe('approved');
    expect(at(answered.body, 'canAnswerApproval')).toBe(false);
    expect(at(answered.body, 'completedDate', 'epochMillis')).toEqual(expect.any(Number));
    expect(await statusOf(site, key)).toBe('Approved');

    const again = await call(site.jsm, asUser(site.people.approver2), 'POST', `/rest/servicedeskapi/request/${key}/approval/${approval.id}`, { decision: 'decline' });
    expect(again.status).toBe(403);
    expect(await statusOf(site, key)).toBe('Approved');
  });

  it('moves a declined request to the declined status with its resolution', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const approvalId = at((await call(site.jsm, asApp, 'GET', `/rest/servicedeskapi/request/${key}/approval`)).body, 'values', 0, 'id');
    const declined = await call(site.jsm, asUser(site.people.approver2), 'POST', `/rest/servicedeskapi/request/${key}/approval/${String(approvalId)}`, { decision: 'decline' });
    expect(at(declined.body, 'finalDecision')).toBe('declined');
    const issue = await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=status,resolution`);
    expect(at(issue.body, 'fields', 'status', 'name')).toBe('Declined');
    expect(at(issue.body, 'fields', 'status', 'statusCategory', 'key')).toBe('done');
    expect(at(issue.body, 'fields', 'resolution', 'name')).toBe('Declined');
    const request = await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/servicedeskapi/request/${key}`);
    expect(at(request.body, 'currentStatus')).toMatchObject({ status: 'Declined', statusCategory: 'DONE' });
  });

  it('waits for the required number of approvals', async () => {
    const site = seedSite();
    site.jsm.admin.setWorkflow(
      'JIT',
      {
        name: 'Two approvers',
        statuses: [
          { name: 'Waiting for approval', category: 'new' },
          { name: 'Approved', category: 'indeterminate' },
          { name: 'Declined', category: 'done' },
        ],
        initialStatus: 'Waiting for approval',
        transitions: [
          { name: 'Approve', from: ['Waiting for approval'], to: 'Approved' },
          { name: 'Decline', from: ['Waiting for approval'], to: 'Declined', resolution: 'Declined' },
        ],
        approvals: [{ status: 'Waiting for approval', approvers: { accountIds: [site.people.approver, site.people.approver2] }, required: 2, approveTransition: 'Approve', declineTransition: 'Decline' }],
      },
      'Service Request with Approvals',
    );
    const key = await raiseRequest(site, site.people.customer);
    const path = `/rest/servicedeskapi/request/${key}/approval/`;
    const approvalId = String(at((await call(site.jsm, asApp, 'GET', `/rest/servicedeskapi/request/${key}/approval`)).body, 'values', 0, 'id'));
    const first = await call(site.jsm, asUser(site.people.approver), 'POST', path + approvalId, { decision: 'approve' });
    expect(at(first.body, 'finalDecision')).toBe('pending');
    expect(await statusOf(site, key)).toBe('Waiting for approval');
    const second = await call(site.jsm, asUser(site.people.approver2), 'POST', path + approvalId, { decision: 'approve' });
    expect(at(second.body, 'finalDecision')).toBe('approved');
    expect(at(second.body, 'approvers', 1, 'approverDecision')).toBe('approved');
    expect(await statusOf(site, key)).toBe('Approved');
  });

  it('takes approvers from a user picker field', async () => {
    const site = seedSite();
    const approversField = site.jsm.admin.createCustomField({ name: 'Approvers', type: 'multiuserpicker' }).id;
    site.jsm.admin.setWorkflow('JIT', {
      name: 'Field approvers',
      statuses: [
        { name: 'Waiting for approval', category: 'new' },
        { name: 'Approved', category: 'indeterminate' },
        { name: 'Declined', category: 'done' },
      ],
      initialStatus: 'Waiting for approval',
      transitions: [
        { name: 'Approve', from: ['Waiting for approval'], to: 'Approved' },
        { name: 'Decline', from: ['Waiting for approval'], to: 'Declined' },
      ],
      approvals: [{ status: 'Waiting for approval', approvers: { fieldId: approversField }, approveTransition: 'Approve', declineTransition: 'Decline' }],
    });
    const created = await call(site.jsm, asApp, 'POST', '/rest/api/3/issue', {
      fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 'Review break-glass', [approversField]: [{ accountId: site.people.approver2 }] },
    });
    expect(created.status).toBe(201);
    const key = String(at(created.body, 'key'));
    const issue = await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=${approversField}`);
    expect(at(issue.body, 'fields', approversField, 0, 'accountId')).toBe(site.people.approver2);
  });

  it("keeps the approval step's own transitions to the step: neither the app nor an agent sees or runs them", async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    for (const name of ['Approve', 'Decline']) {
      const id = site.jsm.admin.transitionId('JIT', 'Service Request with Approvals', name);
      for (const identity of [asApp, asUser(site.people.agent), asUser(site.people.siteAdmin)]) {
        const listed = await call(site.jsm, identity, 'GET', `/rest/api/3/issue/${key}/transitions`);
        expect((at(listed.body, 'transitions') as { id: string }[]).map((t) => t.id)).not.toContain(id);
        const run = await call(site.jsm, identity, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id } });
        expect(run).toMatchObject({ status: 400, body: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} } });
      }
    }
    expect(await statusOf(site, key)).toBe('Waiting for approval');
    // The approver's answer is what runs the step's "Approve".
    const approvals = await call(site.jsm, asUser(site.people.approver), 'GET', `/rest/servicedeskapi/request/${key}/approval`);
    const answered = await call(site.jsm, asUser(site.people.approver), 'POST', `/rest/servicedeskapi/request/${key}/approval/${String(at(approvals.body, 'values', 0, 'id'))}`, { decision: 'approve' });
    expect(answered.status).toBe(200);
    expect(await statusOf(site, key)).toBe('Approved');
  });

  it('lets agents and the app transition, a reporter only where the workflow allows, others not at all', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const approve = site.jsm.admin.transitionId('JIT', 'Service Request with Approvals', 'Approved by policy');
    const cancel = site.jsm.admin.transitionId('JIT', 'Service Request with Approvals', 'Cancel request');

    const customerView = await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/api/3/issue/${key}/transitions`);
    expect((at(customerView.body, 'transitions') as { name: string }[]).map((t) => t.name)).toEqual(['Cancel request']);
    const agentView = await call(site.jsm, asUser(site.people.agent), 'GET', `/rest/api/3/issue/${key}/transitions`);
    expect((at(agentView.body, 'transitions') as { name: string }[]).map((t) => t.name)).toEqual(['Approved by policy', 'Deny', 'Revoke access', 'Access failed', 'Cancel request']);

    const refused = await call(site.jsm, asUser(site.people.customer), 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: approve } });
    expect(refused).toMatchObject({ status: 400, body: { errorMessages: [`Transition id '${approve}' is not valid for this issue.`], errors: {} } });
    const stranger = await call(site.jsm, asUser(site.people.otherCustomer), 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: cancel } });
    expect(stranger.status).toBe(404);
    expect(await statusOf(site, key)).toBe('Waiting for approval');

    const auto = await call(site.jsm, asApp, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: approve } });
    expect(auto.status).toBe(204);
    expect(await statusOf(site, key)).toBe('Approved');
    // Leaving the approval status withdraws the pending approval: nobody can answer it any more.
    const approvals = await call(site.jsm, asUser(site.people.agent), 'GET', `/rest/servicedeskapi/request/${key}/approval`);
    expect(at(approvals.body, 'values')).toEqual([]);
    const formerApprover = await call(site.jsm, asUser(site.people.approver), 'GET', `/rest/servicedeskapi/request/${key}/approval`);
    expect(formerApprover.status).toBe(404);

    const revoke = site.jsm.admin.transitionId('JIT', 'Service Request with Approvals', 'Revoke access');
    expect((await call(site.jsm, asUser(site.people.agent), 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: revoke } })).status).toBe(204);
    const done = await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=status,resolution,resolutiondate`);
    expect(at(done.body, 'fields', 'status', 'name')).toBe('Access revoked');
    expect(at(done.body, 'fields', 'resolution', 'name')).toBe('Done');
    expect(at(done.body, 'fields', 'resolutiondate')).toEqual(expect.any(String));
  });
});
