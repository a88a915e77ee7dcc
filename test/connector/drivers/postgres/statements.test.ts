import { parsePrivilege } from '../../../../src/connector/drivers/postgres/privileges';
import { scramSha256Verifier } from '../../../../src/connector/drivers/postgres/scram';
import {
  commentOnRole,
  createLogin,
  grantPrivilege,
  dropOwned,
  dropRoutine,
  dropRule,
  reassignOwned,
  revokeAllOn,
  revokePrivilege,
  rotateLogin,
} from '../../../../src/connector/drivers/postgres/statements';

const validUntil = new Date('2026-11-21T12:00:00.000Z');

describe('statements', () => {
  it('CREATE ROLE carries the SCRAM verifier, never the plaintext password', async () => {
    const password = 'Plain-Text-Password-1';
    const verifier = await scramSha256Verifier(password);
    const text = createLogin({ name: 'jit_a', marker: 'jit_managed', verifier, validUntil, login: true });
    expect(text).toBe(
      `CREATE ROLE "jit_a" LOGIN PASSWORD '${verifier}' VALID UNTIL '2026-11-21T12:00:00.000Z' IN ROLE "jit_managed"`,
    );
    expect(text).not.toContain(password);
    expect(rotateLogin({ name: 'jit_a', verifier, validUntil, login: false })).toBe(
      `ALTER ROLE "jit_a" NOLOGIN PASSWORD '${verifier}' VALID UNTIL '2026-11-21T12:00:00.000Z'`,
    );
  });

  it.each([
    ['a"; DROP ROLE postgres; --', '"a""; DROP ROLE postgres; --"'],
    ['Ünïcødé ロール', '"Ünïcødé ロール"'],
    ["o'brien", `"o'brien"`],
  ])('quotes the name %j as one identifier', (name, quoted) => {
    expect(reassignOwned(name, name)).toBe(`REASSIGN OWNED BY ${quoted} TO ${quoted}`);
  });

  it('drops what a role owns, with what depends on it when asked', () => {
    expect(dropOwned('jit_a', false)).toBe('DROP OWNED BY "jit_a"');
    expect(dropOwned('jit_a', true)).toBe('DROP OWNED BY "jit_a" CASCADE');
  });

  it('takes back grants and drops code by the names the catalog rendered, quoting only the role names', () => {
    expect(revokeAllOn('TABLE', 'public."Loot"', null)).toBe('REVOKE ALL ON TABLE public."Loot" FROM PUBLIC');
    expect(revokeAllOn('LARGE OBJECT', '16401', 'a"b')).toBe('REVOKE ALL ON LARGE OBJECT 16401 FROM "a""b"');
    expect(dropRule('r"1', 's.t')).toBe('DROP RULE IF EXISTS "r""1" ON s.t');
    expect(dropRoutine('s.f(integer)')).toBe('DROP ROUTINE IF EXISTS s.f(integer) CASCADE');
  });

  it('quotes comment literals, backslashes included', () => {
    expect(commentOnRole('r', `jit:{"grantId":"a'b\\c"}`)).toBe(`COMMENT ON ROLE "r" IS  E'jit:{"grantId":"a''b\\\\c"}'`);
  });

  it('builds GRANT from parsed keywords and quoted names', () => {
    const parsed = parsePrivilege('select, insert on table Public."Orders"');
    if (!parsed.ok) throw new Error(parsed.problems.join());
    expect(grantPrivilege(parsed.value, 'jit_"x')).toBe('GRANT SELECT, INSERT ON TABLE "public"."Orders" TO "jit_""x"');
    const all = parsePrivilege('ALL ON ALL SEQUENCES IN SCHEMA app');
    if (!all.ok) throw new Error(all.problems.join());
    expect(grantPrivilege(all.value, 'g')).toBe('GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA "app" TO "g"');
  });

  it('quotes every column of a column list, in GRANT and REVOKE', () => {
    const parsed = parsePrivilege('SELECT (id, "e""mail"), UPDATE (Total) ON TABLE t');
    if (!parsed.ok) throw new Error(parsed.problems.join());
    expect(grantPrivilege(parsed.value, 'g')).toBe('GRANT SELECT ("id", "e""mail"), UPDATE ("total") ON TABLE "t" TO "g"');
    expect(revokePrivilege(parsed.value, 'g')).toBe('REVOKE SELECT ("id", "e""mail"), UPDATE ("total") ON TABLE "t" FROM "g" GRANTED BY CURRENT_USER');
  });
});
