import { z } from 'zod';
import { describeWith } from '../support/servers';
import { postgresFixture } from '../connector/support/harness';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, resolve, resolveOk } from './support/ticket';

jest.setTimeout(120_000);

const rowsSchema = z.object({ outcome: z.literal('rows'), columns: z.array(z.object({ name: z.string(), type: z.string() })), rows: z.array(z.array(z.string().nullable())), rowCount: z.number().nullable(), truncated: z.boolean(), exportable: z.boolean() });

describeWith('postgres', 'the SQL console of the ticket (runQuery) on a target behind the SQL gateway', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let s: string;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    s = fixture.schema;
    await fixture.admin.query(`CREATE TABLE ${s}.customers (id int PRIMARY KEY, name text, email text)`);
    await fixture.admin.query(`INSERT INTO ${s}.customers VALUES (1, 'Ana', 'ana@secret.example')`);
    await fixture.admin.query(`INSERT INTO ${s}.orders SELECT g, g FROM generate_series(3, 700) g`);
    const read = { ...fixture.target.roles.read, guard: ['read-only' as const] };
    app = await installApp({ gateway: true, extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway', roles: { ...fixture.target.roles, read }, masking: { [`${s}.customers.email`]: 'email' } }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
  });

  const run = (accountId: string, key: string, sql: string) => resolve(app.site, accountId, 'runQuery', { sql }, key);
  const rows = async (key: string, sql: string) => rowsSchema.parse(await resolveOk(app.site, app.site.people.requester, 'runQuery', { sql }, key));

  it('runs the requester’s statements as the grant, masked and guarded, recorded as the console; nobody else may, and not after a revoke', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });

    const first = await rows(key, `SELECT id, total FROM ${s}.orders WHERE id = 2`);
    expect(first).toMatchObject({ columns: [{ name: 'id', type: 'int4' }, { name: 'total', type: 'numeric' }], rows: [['2', '20']], rowCount: 1, truncated: false, exportable: false });
    // Downloading is a right of its own, which this level lacks: refused, and nothing runs.
    expect(await resolve(site, site.people.requester, 'runQuery', { sql: `SELECT id FROM ${s}.orders`, export: true }, key)).toEqual({
      ok: true,
      data: { outcome: 'refused', message: 'the access level read may not download results (its level has no export: true)' },
    });
    const many = await rows(key, `SELECT id FROM ${s}.orders ORDER BY id`);
    expect(many).toMatchObject({ rowCount: 700, truncated: true });
    expect(many.rows).toHaveLength(500);

    // The level's masking: the address comes back masked, and what could derive it is refused.
    expect(await rows(key, `SELECT name, email FROM ${s}.customers`)).toMatchObject({ rows: [['Ana', 'a***@secret.example']] });
    expect(await run(site.people.requester, key, `SELECT upper(email) FROM ${s}.customers`)).toEqual({ ok: true, data: { outcome: 'refused', message: expect.stringContaining("refused by the gateway's masking") } });
    // The level's read-only guard: refused before it reaches the database, answered as a message.
    expect(await run(site.people.requester, key, `DELETE FROM ${s}.orders WHERE id = 1`)).toEqual({ ok: true, data: { outcome: 'refused', message: expect.stringContaining("refused by the gateway's read-only guard") } });
    expect((await fixture.admin.query(`SELECT count(*)::int AS n FROM ${s}.orders`)).rows[0].n).toBe(700);
    // The database's own refusal is a message too.
    expect(await run(site.people.requester, key, 'SELECT * FROM no_such_table')).toEqual({ ok: true, data: { outcome: 'refused', message: expect.stringMatching(/^42P01: /) } });

    // Only the requester: not another customer, not even an agent or admin of the site.
    for (const other of [site.people.requester2, site.people.agent, site.people.admin]) {
      expect(await run(other, key, `SELECT email FROM ${s}.customers`)).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: requester.' } });
    }

    // Every statement is in the grant's record as the console's; the password was never revealed for it.
    const page = await app.connector.client.activityPage(`${key}.1`);
    expect(page.statements.map((statement) => ({ session: statement.session, blocked: statement.blocked }))).toEqual([
      { session: 'console', blocked: null },
      { session: 'console', blocked: null },
      { session: 'console', blocked: null },
      { session: 'console', blocked: 'masking' },
      { session: 'console', blocked: 'read-only' },
      { session: 'console', blocked: null },
    ]);
    expect(JSON.stringify(page)).not.toMatch(/ana@secret/);
    const view = z.object({ credentialAvailable: z.boolean(), grant: z.object({ credential: z.object({ revealedAt: z.string().optional() }).optional() }) }).parse(await resolveOk(site, site.people.requester, 'getGrant', {}, key));
    expect(view.credentialAvailable).toBe(true);
    expect(view.grant.credential?.revealedAt).toBeUndefined();

    await resolveOk(site, site.people.requester, 'revokeNow', {}, key);
    expect(await run(site.people.requester, key, 'SELECT 1')).toEqual({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('Request access again') } });
    expect((await app.connector.client.activityPage(`${key}.1`)).statements).toHaveLength(6);
  });

  it('gives the requester the schema hints of the grant (masked columns named), nobody else, not after a revoke', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const schema = z.object({ tables: z.array(z.object({ schema: z.string(), name: z.string(), columns: z.array(z.object({ name: z.string(), masked: z.string().nullable() })) })) }).parse(await resolveOk(site, site.people.requester, 'getSchema', {}, key));
    expect(schema.tables.filter((table) => table.schema === s).map(({ name, columns }) => ({ name, columns: columns.map((column) => [column.name, column.masked]) }))).toEqual([
      { name: 'customers', columns: [['id', null], ['name', null], ['email', 'email']] },
      { name: 'orders', columns: [['id', null], ['total', null]] },
    ]);
    for (const other of [site.people.requester2, site.people.agent, site.people.admin]) {
      expect(await resolve(site, other, 'getSchema', {}, key)).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: requester.' } });
    }
    expect((await app.connector.client.activityPage(`${key}.1`)).statements).toEqual([]);
    await resolveOk(site, site.people.requester, 'revokeNow', {}, key);
    expect(await resolve(site, site.people.requester, 'getSchema', {}, key)).toEqual({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('Request access again') } });
  });

  it('refuses the schema of a direct target, with the same next step', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    expect(await resolve(site, site.people.requester, 'getSchema', {}, key)).toEqual({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('connect with your own client') } });
  });

  it('refuses a direct target with the next step: connect with your own client', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    expect(await run(site.people.requester, key, 'SELECT 1')).toEqual({ ok: false, error: { code: 'invalid_state', message: expect.stringContaining('connect with your own client') } });
  });
});

describeWith('postgres', 'downloading a console result (runQuery with export) on a level that allows it', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    await fixture.admin.query(`CREATE TABLE ${fixture.schema}.customers (id int PRIMARY KEY, email text)`);
    await fixture.admin.query(`INSERT INTO ${fixture.schema}.customers VALUES (1, 'ana@secret.example')`);
    const read = { ...fixture.target.roles.read, export: true };
    app = await installApp({ gateway: true, extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway', roles: { ...fixture.target.roles, read }, masking: { [`${fixture.schema}.customers.email`]: 'email' } }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
  });

  it('answers the masked rows for the download and the record shows it as an export; only the requester may', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const sql = `SELECT id, email FROM ${fixture.schema}.customers`;
    expect(rowsSchema.parse(await resolveOk(site, site.people.requester, 'runQuery', { sql }, key))).toMatchObject({ exportable: true });
    expect(rowsSchema.parse(await resolveOk(site, site.people.requester, 'runQuery', { sql, export: true }, key))).toMatchObject({ rows: [['1', 'a***@secret.example']], exportable: true });
    expect(await resolve(site, site.people.agent, 'runQuery', { sql, export: true }, key)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const page = await app.connector.client.activityPage(`${key}.1`);
    expect(page.statements.map((statement) => statement.session)).toEqual(['console', 'export']);
  });
});
