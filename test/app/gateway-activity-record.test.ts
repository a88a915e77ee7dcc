import { createServer, type Server } from 'node:http';
import { readableTime } from '../../src/core';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import { z } from 'zod';
import { describeWith } from '../support/servers';
import { postgresFixture, waitFor } from '../connector/support/harness';
import { freePort, settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { asUser, call, raise, readTicket, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(120_000);

const attachmentsSchema = z.object({ fields: z.object({ attachment: z.array(z.object({ id: z.string(), filename: z.string(), mimeType: z.string(), size: z.number(), content: z.string() })) }) });

describeWith('postgres', 'the ticket gets the whole activity record of a gateway grant as a file', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let orders: string;
  /** Break-glass needs an alert destination: this one takes every alert. */
  let alerts: Server;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    orders = `${fixture.schema}.orders`;
    const port = await freePort();
    alerts = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((done) => alerts.listen(port, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${port}`;
    app = await installApp({ gateway: true, alertWebhookUrl: `${hook}/alerts`, extraEgress: [hook], extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway' }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
    await new Promise((done) => alerts?.close(done));
  });

  /** The requester reveals the ticket's credential and connects where it says: the connector's gateway. */
  const connect = async (key: string) => {
    const credential = z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(app.site, app.site.people.requester, 'revealCredential', {}, key));
    const client = new Client({ host: '127.0.0.1', port: app.connector.context.gateway?.endpoints.postgres?.port, database: new URL(url).pathname.slice(1), user: credential.username, password: credential.password });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  const attachments = async (key: string) => attachmentsSchema.parse((await call(app.site, asUser(app.site.people.agent), 'GET', `/rest/api/3/issue/${key}?fields=attachment`)).body).fields.attachment;

  /** The bytes an agent downloads when following the attachment's link. */
  const download = async (link: string) => {
    const response = await app.site.jsm.handle(new Request(`${link}?redirect=false`), asUser(app.site.people.agent));
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  /** Every statement the connector keeps for the grant, page by page. */
  const recorded = async (grantId: string) => {
    const statements: unknown[] = [];
    let next: string | null = null;
    do {
      const page = await app.connector.client.activityPage(grantId, next);
      statements.push(...page.statements);
      next = page.next;
    } while (next !== null);
    return statements;
  };

  const lines = (bytes: Buffer) => bytes.toString('utf8').split('\n').filter((line) => line !== '').map((line): unknown => JSON.parse(line));

  /** Moves the grant's owed writes ten minutes into the past, as if their writer had died then, so the sweep replays them. */
  const ageEffects = (key: string) => {
    const value = z.looseObject({ meta: z.looseObject({ effects: z.array(z.looseObject({ at: z.string() })) }) }).parse(app.site.runtime.inspect.kvs().entities.grant?.[key]);
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    app.site.runtime.kvsStoreForTests.set({ kind: 'entity', entityName: 'grant' }, key, { ...value, dueAt: 0, meta: { ...value.meta, effects: value.meta.effects.map((effect) => ({ ...effect, at })) } });
  };
  const sweepReplays = async (key: string) => {
    for (const _ of [1, 2]) {
      ageEffects(key);
      expect((await app.site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
      await settle(app.site);
    }
  };

  it('at expiry attaches one JSON-lines file of every statement as the connector recorded it, without literals', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT5S' });
    const session = await connect(key);
    await session.query(`SELECT total FROM ${orders} WHERE id = 1`);
    await session.query(`UPDATE ${orders} SET total = 987654 WHERE id = 2`).catch(() => undefined);
    // The connector's callback ends it; the web trigger then writes the ticket, the file last.
    const owed = () => z.object({ meta: z.object({ effects: z.array(z.unknown()) }) }).parse(site.runtime.inspect.kvs().entities.grant?.[key]).meta.effects.length;
    await waitFor(async () => ((await readTicket(site, key)).status === 'Access expired' && owed() === 0 ? true : undefined), 20_000, 200);

    const files = await attachments(key);
    expect(files.map(({ filename, mimeType }) => ({ filename, mimeType }))).toEqual([{ filename: `database-activity-${key}.1.jsonl`, mimeType: 'application/x-ndjson' }]);
    const bytes = await download(files[0]?.content ?? '');
    const statements = await recorded(`${key}.1`);
    expect(statements).toHaveLength(2);
    expect(lines(bytes)).toEqual(statements);
    expect(lines(bytes)).toEqual([
      expect.objectContaining({ kind: 'read', sql: `SELECT total FROM ${orders} WHERE id = $1`, tables: [orders], error: null }),
      expect.objectContaining({ kind: 'write', tables: [orders], error: '42501' }),
    ]);
    expect(bytes.toString('utf8')).not.toMatch(/987654/);
    // Nothing is owed any more: the grant is closed, and a later sweep attaches nothing more.
    expect(site.runtime.inspect.kvs().entities.grant?.[key]).toMatchObject({ phase: 'closed', meta: { effects: [] } });
    await site.runtime.runScheduledTrigger('expiry-sweep');
    expect(await attachments(key)).toHaveLength(1);
    await session.end().catch(() => undefined);
  });

  it('a record past 64 KiB is read page by page and attached gzip-compressed', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const session = await connect(key);
    const filler = Array.from({ length: 12 }, (_, index) => `total AS column_with_a_long_name_${index}`).join(', ');
    for (let index = 0; index < 520; index += 1) await session.query(`SELECT id, ${filler} FROM ${orders} WHERE id = ${index}`);
    await session.end();
    await transitionAs(site, key, site.people.agent, 'Access expired');
    await settle(site);

    const files = await attachments(key);
    expect(files.map(({ filename, mimeType }) => ({ filename, mimeType }))).toEqual([{ filename: `database-activity-${key}.1.jsonl.gz`, mimeType: 'application/gzip' }]);
    const text = gunzipSync(await download(files[0]?.content ?? ''));
    expect(text.byteLength).toBeGreaterThanOrEqual(64 * 1024);
    expect(files[0]?.size).toBeLessThan(text.byteLength / 4);
    const statements = await recorded(`${key}.1`);
    expect(statements).toHaveLength(520);
    expect(lines(text)).toEqual(statements);
    // Literals are replaced in every line, the 500th and later (the second page) included.
    expect(text.toString('utf8')).not.toMatch(/WHERE id = \d/);
  });

  it('a grant under which nothing was run gets its digest comment and no file', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    await transitionAs(site, key, site.people.agent, 'Access expired');
    await settle(site);
    expect((await readTicket(site, key)).internal.filter((text) => text.startsWith(`Database activity under grant ${key}.1`))).toEqual([expect.stringContaining('No statement was run.')]);
    expect(await attachments(key)).toEqual([]);
    expect(site.runtime.inspect.kvs().entities.grant?.[key]).toMatchObject({ phase: 'closed', meta: { effects: [] } });
  });

  it.each(['refuse', 'lose-answer'] as const)('an upload that fails once (%s) is replayed by the sweep and the file is there once', async (mode) => {
    const { site } = app;
    site.failOnce((method, path) => method === 'POST' && path.endsWith('/attachments'), mode);
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const session = await connect(key);
    await session.query(`SELECT id FROM ${orders} WHERE id = 1`);
    await session.end();
    await transitionAs(site, key, site.people.agent, 'Access expired');
    await settle(site);
    const owed = z.object({ meta: z.object({ effects: z.array(z.object({ kind: z.string(), attempted: z.boolean().optional() })) }) }).parse(site.runtime.inspect.kvs().entities.grant?.[key]);
    expect(owed.meta.effects).toEqual([{ kind: 'attachment', attempted: true }].map((effect) => expect.objectContaining(effect)));
    expect(await attachments(key)).toHaveLength(mode === 'lose-answer' ? 1 : 0);

    await sweepReplays(key);
    const files = await attachments(key);
    expect(files.map((file) => file.filename)).toEqual([`database-activity-${key}.1.jsonl`]);
    expect(lines(await download(files[0]?.content ?? ''))).toEqual(await recorded(`${key}.1`));
    expect(site.runtime.inspect.kvs().entities.grant?.[key]).toMatchObject({ phase: 'closed', meta: { effects: [] } });
  });

  it('a break-glass grant\'s review task gets the digest and the link to the file, once though the first answer was lost', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'checkout down', breakGlass: true });
    const task = z.object({ reviewTask: z.string() }).parse((await readTicket(site, key)).property).reviewTask;
    const session = await connect(key);
    await session.query(`UPDATE ${orders} SET total = 31337 WHERE id = 2`);
    await session.end();
    site.failOnce((method, path) => method === 'POST' && path === `/rest/api/3/issue/${task}/comment`, 'lose-answer');
    await transitionAs(site, key, site.people.agent, 'Access expired');
    await settle(site);
    expect(site.runtime.inspect.kvs().entities.grant?.[key]).toMatchObject({ meta: { effects: [{ kind: 'review-note', task, attempted: true }] } });
    await sweepReplays(key);

    const [file] = await attachments(key);
    expect(file?.filename).toBe(`database-activity-${key}.1.jsonl`);
    const digest = await app.connector.client.activityDigest(`${key}.1`);
    const textNode = z.object({ text: z.string(), marks: z.array(z.object({ type: z.string(), attrs: z.object({ href: z.string() }).optional() })).optional() });
    const paragraphs = z.object({ comments: z.array(z.object({ body: z.object({ content: z.array(z.object({ content: z.array(textNode) })) }) })) })
      .parse((await call(site, asUser(site.people.agent), 'GET', `/rest/api/3/issue/${task}/comment`)).body)
      .comments.map((comment) => comment.body.content.map((paragraph) => paragraph.content));
    const comments = paragraphs.map((comment) => comment.map((nodes) => nodes.map((node) => node.text).join('')).join('\n'));
    // The file's name links to its content.
    expect(paragraphs.flat(2).filter((node) => node.marks !== undefined)).toEqual([{ text: `database-activity-${key}.1.jsonl`, marks: [{ type: 'link', attrs: { href: file?.content } }] }]);
    expect(comments).toEqual([
      [
        `What was run under the break-glass access of ${key}:`,
        `Database activity under grant ${key}.1, through the SQL gateway:`,
        'Sessions: 1',
        'Statements: 1 (read 0, write 1, DDL 0, other 0)',
        `Tables touched: ${orders}`,
        'Refused statements: 0',
        'Errors: 0',
        `First statement: ${readableTime(digest.first ?? '', 'seconds')}; last statement: ${readableTime(digest.last ?? '', 'seconds')}`,
        `The full record of every statement is attached to ${key}: database-activity-${key}.1.jsonl`,
      ].join('\n'),
    ]);
    expect(comments.join('\n')).not.toMatch(/31337/);
    await fixture.admin.query(`UPDATE ${orders} SET total = 20 WHERE id = 2`);
  });
});
