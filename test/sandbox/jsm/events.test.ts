import type { ForgeProductEvent } from '../../../src/sandbox/jsm';
import { asApp, asUser, at, call, raiseRequest, seedSite } from './fixture';

function collect(site: ReturnType<typeof seedSite>): ForgeProductEvent[] {
  const received: ForgeProductEvent[] = [];
  site.jsm.onEvent((event) => received.push(event));
  return received;
}

describe('product events', () => {
  it('emits created, updated (with changelog) and commented events in Forge shapes, after the call returns', async () => {
    const site = seedSite();
    const received = collect(site);
    const key = await raiseRequest(site, site.people.customer);
    expect(received).toEqual([]);
    await site.jsm.admin.flushEvents();
    expect(received).toHaveLength(1);
    const created = received[0];
    expect(created).toMatchObject({
      eventType: 'avi:jira:created:issue',
      atlassianId: site.people.customer,
      issue: { key, fields: { summary: 'Read access to orders-db', issuetype: { name: 'Service Request with Approvals' }, project: { key: 'JIT' }, status: { name: 'Waiting for approval' } } },
    });

    const approvalId = String(at((await call(site.jsm, asApp, 'GET', `/rest/servicedeskapi/request/${key}/approval`)).body, 'values', 0, 'id'));
    await call(site.jsm, asUser(site.people.approver), 'POST', `/rest/servicedeskapi/request/${key}/approval/${approvalId}`, { decision: 'approve' });
    await call(site.jsm, asApp, 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: 'Granted', public: false });
    await site.jsm.admin.flushEvents();
    expect(received.map((e) => e.eventType)).toEqual(['avi:jira:created:issue', 'avi:jira:updated:issue', 'avi:jira:commented:issue']);
    const updated = received[1];
    if (updated?.eventType !== 'avi:jira:updated:issue') throw new Error('expected an update');
    expect(updated.atlassianId).toBe(site.people.approver);
    expect(updated.issue.fields.status).toMatchObject({ name: 'Approved' });
    expect(updated.changelog.items).toEqual([
      { field: 'status', fieldtype: 'jira', fieldId: 'status', from: site.jsm.admin.statusId('Waiting for approval'), fromString: 'Waiting for approval', to: site.jsm.admin.statusId('Approved'), toString: 'Approved' },
    ]);
    expect(updated.changelog.id).toEqual(expect.any(String));
    const commented = received[2];
    expect(commented).toMatchObject({ eventType: 'avi:jira:commented:issue', atlassianId: site.jsm.admin.appAccountId, selfGenerated: true, comment: { jsdPublic: false } });
    expect(updated.selfGenerated).toBe(false);
  });

  it('emits nothing for a change that changes nothing or is refused', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    await site.jsm.admin.flushEvents();
    const received = collect(site);
    await call(site.jsm, asApp, 'PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Read access to orders-db' } });
    await call(site.jsm, asApp, 'PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'ok', customfield_99999: 'x' } });
    await call(site.jsm, asApp, 'PUT', `/rest/api/3/issue/${key}/properties/jit-access`, { state: 'active' });
    await site.jsm.admin.flushEvents();
    expect(received).toEqual([]);
  });

  it('duplicates deliveries when asked, emitting each event once', async () => {
    const site = seedSite();
    site.jsm.admin.setEventDelivery({ duplicate: true });
    const received = collect(site);
    const key = await raiseRequest(site, site.people.customer);
    await site.jsm.admin.flushEvents();
    expect(received.map((e) => [e.eventType, e.issue.key])).toEqual([
      ['avi:jira:created:issue', key],
      ['avi:jira:created:issue', key],
    ]);
    expect(received[0]).toEqual(received[1]);
    expect(site.jsm.admin.emittedEvents).toHaveLength(1);
  });

  it('reorders deliveries when asked: an update can arrive before the create', async () => {
    const site = seedSite();
    site.jsm.admin.setEventDelivery({ reorder: true });
    const received = collect(site);
    const key = await raiseRequest(site, site.people.customer);
    await call(site.jsm, asApp, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: site.jsm.admin.transitionId('JIT', 'Service Request with Approvals', 'Approved by policy') } });
    const third = await raiseRequest(site, site.people.customer, 'Another');
    await new Promise((resolve) => setImmediate(resolve));
    // The third event is held until a partner arrives or the events are flushed.
    expect(received.map((e) => e.eventType)).toEqual(['avi:jira:updated:issue', 'avi:jira:created:issue']);
    await site.jsm.admin.flushEvents();
    expect(received.map((e) => [e.eventType, e.issue.key])).toEqual([
      ['avi:jira:updated:issue', key],
      ['avi:jira:created:issue', key],
      ['avi:jira:created:issue', third],
    ]);
    expect(site.jsm.admin.emittedEvents.map((e) => e.eventType)).toEqual(['avi:jira:created:issue', 'avi:jira:updated:issue', 'avi:jira:created:issue']);
  });

  it('stops delivering to a listener that unsubscribed, and survives a listener that throws', async () => {
    const site = seedSite();
    const kept: string[] = [];
    site.jsm.onEvent(() => {
      throw new Error('handler bug');
    });
    const unsubscribe = site.jsm.onEvent(() => kept.push('gone'));
    site.jsm.onEvent((event) => kept.push(event.eventType));
    unsubscribe();
    await raiseRequest(site, site.people.customer);
    await site.jsm.admin.flushEvents();
    expect(kept).toEqual(['avi:jira:created:issue']);
  });
});
