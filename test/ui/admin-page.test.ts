/**
 * @jest-environment ./test/ui/support/jsdom-with-node.ts
 */
import { stubDesignSystemStyles } from './support/stub-styles';
stubDesignSystemStyles();
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { z } from 'zod';
import { SECRET } from '../connector/support/harness';
import type { AppUnderTest } from '../app/support/install-app';
import { raise, resolveOk } from '../app/support/ticket';
import { startAppForPage, stopAppForPage } from './support/app-for-page';
import { emulatorBridge } from './support/emulator-bridge';
import { renderPage } from './support/render-page';

jest.setTimeout(90_000);

type User = ReturnType<typeof userEvent.setup>;

/** The admin page's forms, simulator and exports, with the app's resolvers answering on the emulators. */
describe('admin page', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startAppForPage();
  });
  afterEach(cleanup);
  afterAll(() => stopAppForPage(app));

  const open = async (tab?: string) => {
    const user = userEvent.setup();
    renderPage('admin', emulatorBridge(app.site, app.site.people.admin));
    await screen.findByRole('tab', { name: 'Connector' }, { timeout: 10_000 });
    if (tab) await user.click(screen.getByRole('tab', { name: tab }));
    return user;
  };
  const typeInto = async (user: User, label: string, text: string) => {
    const input = screen.getByLabelText(label);
    await user.clear(input);
    if (text) await user.type(input, text);
  };
  const choose = async (user: User, label: string, option: string) => {
    await user.click(screen.getByLabelText(label));
    await user.click(await screen.findByRole('option', { name: option }));
  };
  const errorOf = (label: string) => {
    const input = screen.getByLabelText(label);
    const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join('');
  };
  const policies = async () => z.object({ settings: z.object({ policies: z.array(z.object({ id: z.string() })) }) }).parse(await resolveOk(app.site, app.site.people.admin, 'getSettings')).settings.policies.map((rule) => rule.id);

  it('connector: field errors from the resolver schema; the secret is write-only; test connection lists the targets', async () => {
    const user = await open();
    expect(screen.getByText('A secret is stored. It is never shown; enter a new one to replace it.')).toBeTruthy();
    expect((screen.getByLabelText('Signing secret') as HTMLInputElement).value).toBe('');
    await typeInto(user, 'Connector URL', 'not a url');
    await typeInto(user, 'Signing secret', 'short');
    await user.click(screen.getByRole('button', { name: 'Save connector' }));
    expect(errorOf('Connector URL')).toBe('Invalid URL');
    expect(errorOf('Signing secret')).toBe('the signing secret has at least 16 characters');
    expect(screen.getByLabelText('Signing secret').getAttribute('aria-invalid')).toBe('true');

    await typeInto(user, 'Connector URL', app.connector.url);
    await typeInto(user, 'Signing secret', SECRET);
    await user.click(screen.getByRole('button', { name: 'Save connector' }));
    expect(await screen.findByText('The connector URL and secret were saved. The secret will not be shown again.')).toBeTruthy();
    expect((screen.getByLabelText('Signing secret') as HTMLInputElement).value).toBe('');
    expect(errorOf('Connector URL')).toBe('');
    expect(document.body.textContent).not.toContain(SECRET);

    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const table = await screen.findByRole('table', { name: 'Targets the connector reports' });
    const cells = within(table).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells).toEqual(['demo (pglite)', 'dev', 'reachable', 'read, write']);
    expect(screen.getByText('Connector status: ok. 1 targets saved.')).toBeTruthy();
  });

  it('access levels: the editor validates with the settings schema, field by field', async () => {
    const user = await open('Targets and access levels');
    expect(within(screen.getByRole('table', { name: 'Database targets' })).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['demo', 'pglite', 'dev', 'demo.db.internal:5432/demo', 'read, write']);
    await user.click(screen.getByRole('button', { name: 'Edit Read-only troubleshooting' }));
    await typeInto(user, 'Default duration', 'PT9H');
    await typeInto(user, 'Maximum duration', 'PT8');
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(errorOf('Maximum duration')).toMatch(/^"PT8" is not a valid duration/);
    await typeInto(user, 'Maximum duration', 'PT8H');
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(errorOf('Default duration')).toBe('the default duration is longer than the maximum');
    await typeInto(user, 'Default duration', 'PT6H');
    await user.click(screen.getByRole('button', { name: 'Done' }));
    const row = screen.getAllByRole('row').find((candidate) => candidate.textContent?.startsWith('Read-only troubleshooting'));
    expect(within(row ?? document.body).getAllByRole('cell').map((cell) => cell.textContent).slice(1, 4)).toEqual(['read', '6 hours', '8 hours']);
  });

  it('saving refuses settings that break a rule, and shows the error at the rule', async () => {
    const user = await open('Targets and access levels');
    await user.click(screen.getByRole('button', { name: 'Delete Emergency fix' }));
    await user.click(screen.getByRole('button', { name: 'Save access levels' }));
    expect((await screen.findByText(/fields? needs? attention/)).textContent).toContain('policies.0.when.accessLevels: unknown access level "emergency-fix"');
    await user.click(screen.getByRole('tab', { name: 'Policies' }));
    expect(within(screen.getByRole('listitem', { name: 'Rule 1: Break-glass emergency fix' })).getByRole('alert').textContent).toBe('unknown access level "emergency-fix"');
    expect(await policies()).toEqual(['break-glass-emergency', 'maintenance-in-change', 'read-only-dev', 'fix-needs-lead']);
  });

  it('policies: add with field errors, reorder, save, and the simulator verdict changes', async () => {
    const user = await open('Policies');
    const list = screen.getByRole('list', { name: 'Policy rules' });
    expect(within(list).getByRole('listitem', { name: 'Rule 3: Read-only on dev is automatic' }).textContent).toContain(
      'If it is not a break-glass request, the access level is Read-only troubleshooting and the target is in the dev environment, then approve automatically.',
    );

    await user.click(screen.getByRole('button', { name: 'Simulate' }));
    const verdict = await screen.findByRole('region', { name: 'Verdict' });
    expect(verdict.textContent).toContain('Approved automatically');
    expect(verdict.textContent).toContain('Decided by Read-only on dev is automatic (read-only-dev)');

    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    await typeInto(user, 'Rule id', 'Bad Id');
    await typeInto(user, 'Longest duration', 'PT4');
    await user.click(within(form).getByRole('button', { name: 'Add rule' }));
    expect(errorOf('Rule id')).toBe('ids are lower-case letters, digits and dashes (at most 64)');
    expect(errorOf('Rule name')).not.toBe('');
    expect(errorOf('Longest duration')).toMatch(/^"PT4" is not a valid duration/);

    await typeInto(user, 'Rule id', 'freeze-dev-reads');
    await typeInto(user, 'Rule name', 'Freeze dev reads');
    await typeInto(user, 'Longest duration', '');
    await user.click(within(form).getByRole('checkbox', { name: 'Read-only troubleshooting' }));
    await choose(user, 'Then', 'Deny');
    await typeInto(user, 'Message to the requester', 'Dev is frozen');
    await user.click(within(form).getByRole('button', { name: 'Add rule' }));
    const added = within(list).getByRole('listitem', { name: 'Rule 5: Freeze dev reads' });
    expect(added.textContent).toContain('If the access level is Read-only troubleshooting, then deny ("Dev is frozen").');
    for (let step = 0; step < 4; step += 1) await user.click(screen.getByRole('button', { name: 'Move up Freeze dev reads' }));
    expect(within(list).getAllByRole('listitem')[0]?.getAttribute('aria-label')).toBe('Rule 1: Freeze dev reads');
    expect(screen.getByText(/The policy has unsaved changes/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(() => expect(screen.queryByText(/The policy has unsaved changes/)).toBeNull());
    expect(await policies()).toEqual(['freeze-dev-reads', 'break-glass-emergency', 'maintenance-in-change', 'read-only-dev', 'fix-needs-lead']);
    await user.click(screen.getByRole('button', { name: 'Simulate' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Verdict' }).textContent).toContain('Decided by Freeze dev reads (freeze-dev-reads)'));
    const denied = screen.getByRole('region', { name: 'Verdict' });
    expect(denied.textContent).toContain('Denied');
    expect(within(denied).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['the access level is Read-only troubleshooting', 'Dev is frozen']);

    await user.click(screen.getByRole('button', { name: 'Delete Freeze dev reads' }));
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(async () => expect(await policies()).toEqual(['break-glass-emergency', 'maintenance-in-change', 'read-only-dev', 'fix-needs-lead']));
  });

  it('simulator: field errors from the resolver payload schema; a linked change and a time decide a rule', async () => {
    const user = await open('Policies');
    await typeInto(user, 'Requester account id', '');
    await typeInto(user, 'Decision time (UTC)', 'tomorrow');
    await user.click(screen.getByRole('button', { name: 'Simulate' }));
    expect(errorOf('Requester account id')).not.toBe('');
    expect(errorOf('Decision time (UTC)')).toBe('Invalid ISO datetime');
    expect(screen.queryByRole('region', { name: 'Verdict' })).toBeNull();

    await typeInto(user, 'Requester account id', 'someone');
    await typeInto(user, 'Decision time (UTC)', '2030-01-07T10:00');
    await choose(user, 'Access level', 'Maintenance window');
    await typeInto(user, 'Linked change key', 'CHG-9');
    await typeInto(user, 'Change status', 'Scheduled');
    await typeInto(user, 'Planned start (UTC)', '2030-01-07T09:00');
    await typeInto(user, 'Planned end (UTC)', '2030-01-07T13:00');
    await user.click(screen.getByRole('button', { name: 'Simulate' }));
    const verdict = await screen.findByRole('region', { name: 'Verdict' });
    expect(verdict.textContent).toContain('Decided by Maintenance inside an approved change (maintenance-in-change)');
    expect(verdict.textContent).toContain('Access window: 2030-01-07T10:00:00.000Z to 2030-01-07T13:00:00.000Z.');
  });

  it('YAML: export the policy, refuse a broken import with paths, import a changed one into the draft', async () => {
    const user = await open('Policies');
    await user.click(screen.getByRole('button', { name: 'Show policy as YAML' }));
    const yaml = (screen.getByLabelText('Policy YAML') as HTMLTextAreaElement).value;
    expect(yaml).toContain('  - id: read-only-dev\n    name: Read-only on dev is automatic\n');
    await user.clear(screen.getByLabelText('Policy YAML'));
    await user.click(screen.getByLabelText('Policy YAML'));
    await user.paste(yaml.replace('then:\n      type: approval\n      group: dba-leads', 'then:\n      type: approval\n      group: nobody'));
    await user.click(screen.getByRole('button', { name: 'Import YAML' }));
    expect(errorOf('Policy YAML')).toBe('policies.3.then.group: unknown approver group "nobody"');
    await user.clear(screen.getByLabelText('Policy YAML'));
    await user.click(screen.getByLabelText('Policy YAML'));
    await user.paste(yaml.replace('name: Read-only on dev is automatic', 'name: Dev reads are automatic'));
    await user.click(screen.getByRole('button', { name: 'Import YAML' }));
    expect(await screen.findByText('The policy was imported. Review the rules, then save.')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Policy rules' })).getByRole('listitem', { name: 'Rule 3: Dev reads are automatic' })).toBeTruthy();
  });

  it('setup: the checklist, request types in a service desk, and the workflow names', async () => {
    const user = await open('Setup');
    const checklist = await screen.findByRole('list', { name: 'Setup checklist' }, { timeout: 10_000 });
    const items = within(checklist).getAllByRole('listitem').map((item) => item.textContent ?? '');
    expect(items[0]).toBe('doneThe signing secret is stored.');
    expect(items.find((item) => item.includes('alert destination'))).toBe('missingNeeded for break-glass: without an alert destination, setup does not enable it and its requests are denied.');
    // Without a destination, setup left break-glass off; the checklist says so and offers the setup again.
    expect(items.find((item) => item.includes('Break-glass is not enabled'))).toBe('missingBreak-glass is not enabled: set the alert webhook (App options), then click Create request types again.Fix: Create request types');
    expect(within(checklist).queryAllByRole('button').map((button) => button.textContent)).toEqual(['Fix: Create request types']);

    // The desks come from listServiceDesks; the one the request types live in is chosen already.
    const form = screen.getByRole('form', { name: 'Request types' });
    expect(await within(form).findByText('Database access (JIT)')).toBeTruthy();
    await choose(user, 'Service desk', 'Database access (JIT)');
    await user.click(screen.getByRole('button', { name: 'Create request types' }));
    expect((await screen.findByText(/^In project JIT: request types/)).textContent).toBe(`In project JIT: request types ${app.ids.requestTypes.access} (access) and ${app.ids.requestTypes.breakGlass} (break-glass), 5 fields.`);
    expect(screen.getAllByRole('listitem').map((item) => item.textContent).filter((text) => text?.startsWith('Break-glass is not enabled: it grants before anyone looks'))).toHaveLength(1);

    const approveLabel = "Approve by policy (the app's own transition)";
    expect((screen.getByLabelText(approveLabel) as HTMLInputElement).value).toBe('Approved by policy');
    await typeInto(user, approveLabel, '');
    expect(errorOf(approveLabel)).not.toBe('');
    await typeInto(user, approveLabel, 'Auto-approve');
    expect(errorOf(approveLabel)).toBe('');

    // The transition that takes a failed request back into the grant flow when an admin retries it.
    expect((screen.getByLabelText('Retry failed grant') as HTMLInputElement).value).toBe('Retry access');
    await typeInto(user, 'Retry failed grant', '');
    expect(errorOf('Retry failed grant')).not.toBe('');
    await typeInto(user, 'Retry failed grant', 'Try again');
    expect(errorOf('Retry failed grant')).toBe('');
  });

  it('app options: validated with the app-config schema at each field, saved, and kept when the settings are saved again', async () => {
    const appConfig = async () => z.object({ appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(app.site, app.site.people.admin, 'getSettings')).appConfig;
    const before = await appConfig();
    const user = await open('Setup');
    expect((screen.getByLabelText('Admin groups') as HTMLInputElement).value).toBe('jira-admins, site-admins, jira-administrators');
    expect((screen.getByLabelText('Maximum grant attempts') as HTMLInputElement).value).toBe('5');
    await typeInto(user, 'Break-glass alert webhook', 'chat.example.com/hook');
    await typeInto(user, 'Agent groups', ' , ');
    await typeInto(user, 'Maximum grant attempts', '11');
    await user.click(screen.getByRole('button', { name: 'Save app options' }));
    expect(errorOf('Break-glass alert webhook')).not.toBe('');
    expect(errorOf('Agent groups')).not.toBe('');
    expect(errorOf('Maximum grant attempts')).not.toBe('');
    expect(errorOf('Admin groups')).toBe('');
    expect(await appConfig()).toEqual(before);

    // An https address outside the manifest's egress is refused by the resolver, and the page says so.
    await typeInto(user, 'Break-glass alert webhook', 'https://chat.example.com/hook');
    await typeInto(user, 'Agent groups', 'jira-servicedesk-agents, dba-team');
    await typeInto(user, 'Maximum grant attempts', '3');
    await typeInto(user, 'Warn before the end (minutes)', '30');
    await user.click(screen.getByRole('button', { name: 'Save app options' }));
    expect(await screen.findByText(/may not reach https:\/\/chat\.example\.com \(the alert webhook\)/)).toBeTruthy();
    expect(await appConfig()).toEqual(before);

    await typeInto(user, 'Break-glass alert webhook', 'https://hooks.slack.com/services/T000/B000/XXXX');
    await user.click(screen.getByRole('button', { name: 'Save app options' }));
    expect(await screen.findByText('The app options were saved.')).toBeTruthy();
    expect(errorOf('Maximum grant attempts')).toBe('');
    const saved = { ...before, alertWebhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX', agentGroups: ['jira-servicedesk-agents', 'dba-team'], maxGrantAttempts: 3, warnBeforeMinutes: 30 };
    expect(await appConfig()).toEqual(saved);

    // Saving the workflow names afterwards keeps the options just saved.
    await user.click(screen.getByRole('button', { name: 'Save workflow mapping' }));
    await waitFor(() => expect(screen.getAllByRole('status').some((status) => status.textContent === 'Saved.')).toBe(true));
    expect(await appConfig()).toEqual(saved);
    await resolveOk(app.site, app.site.people.admin, 'saveSettings', { settings: z.object({ settings: z.unknown() }).parse(await resolveOk(app.site, app.site.people.admin, 'getSettings')).settings, appConfig: before });
  });

  it('app options: the SIEM webhook is checked like the alert webhook and saved', async () => {
    const appConfig = async () => z.object({ appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(app.site, app.site.people.admin, 'getSettings')).appConfig;
    const before = await appConfig();
    const user = await open('Setup');
    await typeInto(user, 'SIEM webhook', 'siem.example.com/collect');
    await user.click(screen.getByRole('button', { name: 'Save app options' }));
    expect(errorOf('SIEM webhook')).not.toBe('');
    await typeInto(user, 'SIEM webhook', 'https://siem.example.com/collect');
    await user.click(screen.getByRole('button', { name: 'Save app options' }));
    expect(await screen.findByText(/may not reach https:\/\/siem\.example\.com \(the SIEM webhook\)/)).toBeTruthy();
    expect(await appConfig()).toEqual(before);
    await typeInto(user, 'SIEM webhook', 'https://hooks.slack.com/services/T000/B000/SIEM');
    await user.click(screen.getByRole('button', { name: 'Save app options' }));
    expect(await screen.findByText('The app options were saved.')).toBeTruthy();
    expect(await appConfig()).toEqual({ ...before, siemWebhookUrl: 'https://hooks.slack.com/services/T000/B000/SIEM' });
    await resolveOk(app.site, app.site.people.admin, 'saveSettings', { settings: z.object({ settings: z.unknown() }).parse(await resolveOk(app.site, app.site.people.admin, 'getSettings')).settings, appConfig: before });
  });

  it('audit: grants in a date range with how they ended', async () => {
    const key = await raise(app.site, app.ids, app.site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const user = await open('Audit');
    await typeInto(user, 'To (UTC)', '2000-01-01');
    await user.click(screen.getByRole('button', { name: 'Show grants' }));
    expect(errorOf('To (UTC)')).toBe('The end date is before the start date.');
    await typeInto(user, 'To (UTC)', new Date().toISOString().slice(0, 10));
    await user.click(screen.getByRole('button', { name: 'Show grants' }));
    const table = await screen.findByRole('table', { name: 'Grants in the range' });
    const row = within(table).getAllByRole('row').find((candidate) => candidate.textContent?.startsWith(key));
    const cells = within(row ?? document.body).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells.slice(0, 5)).toEqual([key, 'Rita Requester', 'policy: Read-only on dev is automatic', 'demo', 'read-only']);
    expect(cells[5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(cells[7]).toBe('still active');
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeTruthy();
  });

  it('setup in a team-managed project: says which request types were not created and exactly what to do by hand', async () => {
    app.site.jsm.admin.createServiceDesk({ key: 'TEAM', name: 'Team desk', teamManaged: true });
    const user = await open('Setup');
    expect(await within(screen.getByRole('form', { name: 'Request types' })).findByText('Database access (JIT)')).toBeTruthy();
    await choose(user, 'Service desk', 'Team desk (TEAM)');
    await user.click(screen.getByRole('button', { name: 'Create request types' }));
    const summary = await screen.findByText(/^In project TEAM: request types/);
    expect(summary.textContent).toBe('In project TEAM: request types not created (access) and not created (break-glass), 5 fields.');
    const result = summary.closest('[role="status"]');
    const steps = within(result instanceof HTMLElement ? result : document.body).getAllByRole('listitem').map((item) => item.textContent ?? '');
    expect(steps[0]).toMatch(/^Create the request type "Database access" by hand \(JSM creates no request type by API in a team-managed project; .*\): Project settings → Request types → Create request type/);
    expect(steps[1]).toMatch(/^Create the request type "Emergency database access \(break-glass\)" by hand/);
    // Back to the company-managed desk, so the app keeps working for whatever runs next.
    await choose(user, 'Service desk', 'Database access (JIT)');
    await user.click(screen.getByRole('button', { name: 'Create request types' }));
    expect(await screen.findByText(/^In project JIT: request types \d+ \(access\)/)).toBeTruthy();
  });
});
