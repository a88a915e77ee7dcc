import { endedAs, toCsv, toJson, type AuditRow } from '../../static/admin-page/src/audit-export';
import { exportPolicy, importPolicy } from '../../static/admin-page/src/policy-yaml';
import { fromForm, toForm } from '../../static/admin-page/src/rule-form';
import { isRetryable } from '../../src/core';
import { connectHelp, countdown, utcTime } from '../../static/ticket-panel/src/grant-view';
import { fieldErrors, errorsUnder } from '../../static/shared/field-errors';
import { grantStateSchema, loadDefaultSettings, policyRuleSchema, settingsSchema } from '../../src/core';

const row: AuditRow = {
  ticket: 'JIT-7',
  state: 'revoked',
  requester: 'acc-1',
  requesterName: 'Ana Lima',
  target: 'orders-prod',
  accessLevel: 'read-only',
  breakGlass: true,
  rule: 'Break, glass "now"',
  approvers: ['acc-2', 'acc-3'],
  approverNames: ['Lee Adams', 'unknown user'],
  justification: 'INC-9: orders stuck',
  requestedAt: '2026-11-20T10:00:00.000Z',
  notBefore: '2026-11-20T10:01:00.000Z',
  notAfter: '2026-11-20T12:01:00.000Z',
  flagged: '=HYPERLINK("x")',
  endedAt: '2026-11-20T10:31:00.000Z',
  endedBy: 'acc-2',
  endedByName: 'Lee Adams',
};

describe('audit export', () => {
  it('writes RFC 4180 CSV with names and account ids, readable UTC times, the reason and how each grant ended, and defuses spreadsheet formulas', () => {
    expect(toCsv([row])).toBe(
      'ticket,requester,requesterAccountId,approvers,approverAccountIds,target,accessLevel,rule,justification,requestedAt,start,plannedEnd,endedAt,state,howItEnded,endedByAccountId\r\n' +
        'JIT-7,Ana Lima,acc-1,Lee Adams; unknown user,acc-2 acc-3,orders-prod,read-only,"Break, glass ""now""",INC-9: orders stuck,2026-11-20 10:00:00 UTC,2026-11-20 10:01:00 UTC,2026-11-20 12:01:00 UTC,2026-11-20 10:31:00 UTC,revoked,"revoked early by Lee Adams (break-glass), flagged: =HYPERLINK(""x"")",acc-2\r\n',
    );
    const minimal: AuditRow = { ticket: 'JIT-8', state: 'denied', requester: '-acc', requesterName: '=cmd', target: 't', accessLevel: 'l', breakGlass: false, approvers: [], approverNames: [], requestedAt: '2026-11-20T10:00:00.000Z' };
    expect(toCsv([minimal]).split('\r\n')[1]).toBe("JIT-8,'=cmd,'-acc,,,t,l,,,2026-11-20 10:00:00 UTC,,,,denied,denied by policy,");
    expect(JSON.parse(toJson([row, minimal]))).toEqual([{ ...row, howItEnded: endedAs(row) }, { ...minimal, howItEnded: 'denied by policy' }]);
  });
});

describe('policy YAML', () => {
  it('round-trips the policy and reports every problem of an import with its path', () => {
    const settings = loadDefaultSettings();
    const text = exportPolicy(settings);
    const back = importPolicy(settings, text);
    expect(back).toEqual({ ok: true, settings });
    expect(importPolicy(settings, 'policies: [')).toEqual({ ok: false, errors: { '': expect.stringMatching(/^This is not YAML: /) } });
    expect(importPolicy(settings, 'policies: []\nextra: 1')).toEqual({
      ok: false,
      errors: { '': 'Unrecognized key: "extra"', accessLevels: 'this section is missing', approverGroups: 'this section is missing', businessHours: 'this section is missing' },
    });
    const broken = importPolicy(settings, text.replace('maxDuration: PT8H', 'maxDuration: 8 hours'));
    expect(broken.ok).toBe(false);
    expect(broken.ok ? {} : Object.keys(broken.errors)).toEqual(['accessLevels.0.maxDuration']);
  });
});

describe('rule form', () => {
  it('converts every rule of the defaults to the editor and back unchanged', () => {
    for (const rule of loadDefaultSettings().policies) expect(policyRuleSchema.parse(fromForm(toForm(rule)))).toEqual(rule);
  });

  it('leaves unset conditions out and keeps a deny message', () => {
    const form = { ...toForm(policyRuleSchema.parse({ id: 'x', name: 'X', then: { type: 'deny' } })), environments: ' prod , staging ', message: ' no ' };
    expect(fromForm(form)).toEqual({ id: 'x', name: 'X', enabled: true, when: { environments: ['prod', 'staging'] }, then: { type: 'deny', message: 'no' } });
  });
});

describe('field errors', () => {
  it('keys issues by path and scopes them under a prefix', () => {
    const result = settingsSchema.safeParse({ ...loadDefaultSettings(), connectorUrl: 'ftp://x', policies: [{ id: 'A', name: '', then: { type: 'deny' } }] });
    if (result.success) throw new Error('expected errors');
    const errors = fieldErrors(result.error);
    expect(errors.connectorUrl).toBe('the connector URL must be an http(s) URL');
    expect(errorsUnder(errors, 'policies.0')).toEqual({ id: 'ids are lower-case letters, digits and dashes (at most 64)', name: expect.any(String) });
  });
});

describe('ticket panel helpers', () => {
  it('counts down in hours, minutes and seconds and stops at zero', () => {
    const now = Date.parse('2026-11-20T10:00:00.000Z');
    expect(countdown('2026-11-20T11:05:09.000Z', now)).toBe('1 h 05 min 09 s');
    expect(countdown('2026-11-20T10:03:02.900Z', now)).toBe('3 min 02 s');
    expect(countdown('2026-11-20T09:00:00.000Z', now)).toBe('0 s');
    expect(utcTime('2026-11-20T10:00:00.000Z')).toBe('2026-11-20 10:00:00 UTC');
  });

  it('offers only the command of the target engine, keeping the password off the command line and quoted for the shell', () => {
    const credential = { username: 'jit_a', password: "pa'ss@w/rd", connect: { host: 'db.internal', port: 5432, database: 'orders' }, notAfter: '2026-11-20T10:00:00.000Z' };
    expect(connectHelp(credential, 'postgres')).toEqual({
      kind: 'client',
      connectionString: "postgresql://jit_a:pa'ss%40w%2Frd@db.internal:5432/orders",
      command: { label: 'psql command', text: `PGPASSWORD='pa'\\''ss@w/rd' psql "host=db.internal port=5432 dbname=orders user=jit_a"` },
    });
    expect(connectHelp({ ...credential, connect: { ...credential.connect, port: 3306 } }, 'mysql')).toEqual({
      kind: 'client',
      connectionString: "mysql://jit_a:pa'ss%40w%2Frd@db.internal:3306/orders",
      command: { label: 'mysql command', text: `MYSQL_PWD='pa'\\''ss@w/rd' mysql --host=db.internal --port=3306 --user=jit_a orders` },
    });
    expect(connectHelp({ ...credential, connect: { host: 'embedded', port: 0, database: 'demo' } }, 'pglite')).toEqual({
      kind: 'console',
      note: "This is the connector's embedded demo database (PGlite): it has no network address, so no database client reaches it.",
    });
    expect(connectHelp(credential, null)).toEqual({ kind: 'address', address: 'db.internal:5432/orders' });
  });

  it('offers a retry exactly where the retryGrant resolver accepts one: a stuck grant, or a failed one', () => {
    const base = { breakGlass: false } as const;
    expect(['approved', 'scheduled', 'granting', 'failed'].map((state) => isRetryable({ ...record(state), ...base }))).toEqual([true, true, true, true]);
    expect(isRetryable({ ...record('requested'), breakGlass: true })).toBe(true);
    expect(['requested', 'awaiting-approval', 'active', 'expired', 'revoked', 'denied', 'declined'].map((state) => isRetryable({ ...record(state), ...base }))).toEqual([
      false, false, false, false, false, false, false,
    ]);
  });
});

function record(state: string) {
  return {
    version: 1 as const,
    ticket: 'JIT-1',
    state: grantStateSchema.parse(state),
    target: 't',
    accessLevel: 'l',
    role: 'read',
    requester: { accountId: 'a' },
    breakGlass: false,
    approvers: [],
    attempts: 0,
    history: [],
    historyDropped: 0,
    updatedAt: '2026-11-20T10:00:00.000Z',
  };
}
