import { z } from 'zod';
import { installedApp } from './support/install-app';
import { answerApproval, raise, readTicket, resolveOk } from './support/ticket';

jest.setTimeout(90_000);

const settingsView = z.object({
  settings: z.looseObject({
    approverGroups: z.array(z.looseObject({ id: z.string() })),
    policies: z.array(z.looseObject({ id: z.string() })),
  }),
  appConfig: z.record(z.string(), z.unknown()),
});

// Separation of duties fails closed: an approval is counted only against a group the settings still name.
describe('an approval whose approver group was removed from the settings', () => {
  const app = installedApp();

  it('counts no one, keeps the request waiting and asks the admins to act', async () => {
    const { site } = app();
    const { requester, approver, admin } = site.people;
    const key = await raise(site, app().ids, requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' });
    expect((await readTicket(site, key)).property).toMatchObject({ state: 'awaiting-approval', approval: { group: 'dba-leads' } });

    // An admin removes the group (and the rule that named it) while the request waits.
    const current = settingsView.parse(await resolveOk(site, admin, 'getSettings'));
    const settings = {
      ...current.settings,
      approverGroups: current.settings.approverGroups.filter((group) => group.id !== 'dba-leads'),
      policies: current.settings.policies.filter((rule) => rule.id !== 'fix-needs-lead'),
    };
    await resolveOk(site, admin, 'saveSettings', { settings, appConfig: current.appConfig });

    // The JSM approval still lists the DBA lead, who approves.
    expect(await answerApproval(site, key, approver, 'approve')).toBe(200);
    const refused = await readTicket(site, key);
    expect(refused.status).toBe('Waiting for approval');
    expect(refused.property).toMatchObject({ state: 'awaiting-approval', approvers: [] });
    expect(refused.internal.at(-1)).toMatch(/^Approval refused: the approver group "dba-leads" of this request is not in the app settings, so no approval counts; an administrator \(jira-admins, site-admins, jira-administrators\) restores the group/);
    expect(refused.internal.at(-1)).toMatch(/Refused approval by Bob Approver at \w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} UTC\.$/);
    // The requester is told in their terms, without the app's admin groups or the group's id.
    expect(refused.public.at(-1)).toBe(
      'The approval did not count: the approvers of this request are no longer set up, so no approval counts until an administrator fixes the settings or declines the request. The request is back with the approvers; you will be told here when it is decided.',
    );
    // Routed to the admins: Jira emails the admin groups that exist on the site (here jira-admins) the same note.
    const emailed = site.jsm.admin.notifications.filter((sent) => sent.issueKey === key);
    expect(emailed.map((sent) => [sent.subject, sent.recipients])).toEqual([[`Approval refused: ${key} needs an administrator`, [admin]]]);
    expect(emailed[0]?.textBody).toBe(refused.internal.at(-1));
    expect((await app().connector.client.listGrants('active')).grants.map((grant) => grant.grantId)).not.toContain(`${key}.1`);
  });
});
