import { routes } from '../../../src/sandbox/jsm/routes';
import { OPERATION_POLICIES, operationKey } from '../../../src/sandbox/jsm/operation-policy';
import { accessRequestWorkflow } from '../../../src/sandbox/jsm';
import { asApp, asUser, at, call, raiseRequest, seedSite } from './fixture';
import { findOperation, scopeSetsOf } from './openapi-contract';

/** A concrete path for a route template, for looking it up in the spec. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, '1');

describe('operation policy: scopes and experimental flags as Atlassian specifies them', () => {
  it('has exactly one entry per route, each equal to what the OpenAPI description says', () => {
    const keys = routes.map((route) => operationKey(route.method, route.path));
    expect(Object.keys(OPERATION_POLICIES).sort()).toEqual([...keys].sort());
    for (const route of routes) {
      const found = findOperation(route.method, concrete(route.path));
      expect({ route: operationKey(route.method, route.path), documented: found !== undefined }).toEqual({ route: operationKey(route.method, route.path), documented: true });
      if (!found) continue;
      const policy = OPERATION_POLICIES[operationKey(route.method, route.path)];
      expect({ route: route.path, scopes: policy?.scopes, experimental: policy?.experimental === true }).toEqual({
        route: route.path,
        scopes: scopeSetsOf(found.operation),
        experimental: found.operation['x-experimental'] === true,
      });
    }
  });

  it('refuses every experimental operation it serves with 412 unless the caller sends X-ExperimentalApi: opt-in', async () => {
    const site = seedSite();
    const experimental = routes.filter((route) => OPERATION_POLICIES[operationKey(route.method, route.path)]?.experimental);
    expect(experimental.map((route) => `${route.method} ${route.path}`)).toEqual(['POST /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype']);
    for (const route of experimental) {
      const path = route.path.replace('{serviceDeskId}', site.desk.serviceDeskId);
      const body = { issueTypeId: site.jsm.admin.issueTypeId('Service Request'), name: 'Refused', description: '', helpText: '' };
      const refused = await call(site.jsm, asApp, route.method, path, body);
      expect(refused.status).toBe(412);
      expect(String(at(refused.body, 'errorMessage'))).toContain("X-ExperimentalApi: opt-in");
      expect((await call(site.jsm, asApp, route.method, path, body, { 'X-ExperimentalApi': 'opt-in' })).status).toBe(200);
    }
  });

  it("refuses a Forge call whose manifest scopes cover none of the operation's scope sets, as Atlassian's gateway does", async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const app = (scopes: string[]) => ({ kind: 'app' as const, scopes });
    const refused = await call(site.jsm, app(['read:jira-work']), 'GET', `/rest/servicedeskapi/request/${key}`);
    expect(refused).toMatchObject({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    expect(refused.headers.get('x-failure-category')).toBe('FAILURE_CLIENT_SCOPE_CHECK');
    // A refused call changes nothing.
    const comment = { body: 'Internal note', public: false };
    expect((await call(site.jsm, app(['read:servicedesk-request']), 'POST', `/rest/servicedeskapi/request/${key}/comment`, comment)).status).toBe(401);
    expect(at((await call(site.jsm, asApp, 'GET', `/rest/servicedeskapi/request/${key}/comment`)).body, 'size')).toBe(0);
    // Either the classic scope or the whole granular set allows it; part of the granular set does not.
    expect((await call(site.jsm, app(['read:servicedesk-request']), 'GET', `/rest/servicedeskapi/request/${key}`)).status).toBe(200);
    expect((await call(site.jsm, app(['read:request:jira-service-management', 'read:user:jira']), 'GET', `/rest/servicedeskapi/request/${key}`)).status).toBe(200);
    expect((await call(site.jsm, app(['read:request:jira-service-management']), 'GET', `/rest/servicedeskapi/request/${key}`)).status).toBe(401);
    // asUser through Forge carries the app's scopes too; a person with an API token has none to check.
    expect((await call(site.jsm, { kind: 'user', accountId: site.people.agent, scopes: ['read:jira-work'] }, 'GET', `/rest/servicedeskapi/request/${key}`)).status).toBe(401);
    expect((await call(site.jsm, asUser(site.people.agent), 'GET', `/rest/servicedeskapi/request/${key}`)).status).toBe(200);
    // Creating a request type needs both request type scopes, and nothing else will do.
    const create = `/rest/servicedeskapi/servicedesk/${site.desk.serviceDeskId}/requesttype`;
    const body = { issueTypeId: site.jsm.admin.issueTypeId('Service Request'), name: 'Scoped', description: '', helpText: '' };
    const optIn = { 'X-ExperimentalApi': 'opt-in' };
    expect((await call(site.jsm, app(['manage:jira-configuration', 'write:servicedesk-request', 'read:servicedesk-request']), 'POST', create, body, optIn)).status).toBe(401);
    expect((await call(site.jsm, app(['read:requesttype:jira-service-management', 'write:requesttype:jira-service-management']), 'POST', create, body, optIn)).status).toBe(200);
  });

  it('creates no request type in a team-managed project (there a request type is an issue type)', async () => {
    const site = seedSite();
    const team = site.jsm.admin.createServiceDesk({ key: 'TEAM', name: 'Team desk', teamManaged: true, workflows: { 'Service Request with Approvals': accessRequestWorkflow('jit-approvers') } });
    const body = { issueTypeId: site.jsm.admin.issueTypeId('Service Request'), name: 'Database access', description: '', helpText: '' };
    const refused = await call(site.jsm, asApp, 'POST', `/rest/servicedeskapi/servicedesk/${team.serviceDeskId}/requesttype`, body, { 'X-ExperimentalApi': 'opt-in' });
    expect(refused.status).toBe(400);
    expect(String(at(refused.body, 'errorMessage'))).toContain('team-managed');
    expect(at((await call(site.jsm, asApp, 'GET', '/rest/api/3/project/TEAM')).body, 'style')).toBe('next-gen');
    const types = await call(site.jsm, asApp, 'GET', `/rest/servicedeskapi/servicedesk/${team.serviceDeskId}/requesttype`);
    expect(at(types.body, 'size')).toBe(0);
  });
});
