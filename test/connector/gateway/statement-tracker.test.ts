import { serialize } from 'pg-protocol';
import { parserReady } from '../../../src/connector/gateway/parse-statements';
import type { StatementRecord } from '../../../src/connector/gateway/statement-record';
import type { RecordMode } from '../../../src/connector/gateway/statement-pipeline';
import { StatementTracker } from '../../../src/connector/gateway/statement-tracker';
import { BackendScanner } from '../../../src/connector/gateway/wire/backend-messages';

beforeAll(() => parserReady);

/** A server message as PostgreSQL frames it. */
function message(type: string, body: string | Buffer = ''): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}

const complete = (tag: string) => message('C', `${tag}\0`);
const row = () => message('D', Buffer.from([0, 1, 0, 0, 0, 1, 0x31]));
const error = (code: string, text: string) => message('E', `SERROR\0C${code}\0M${text}\0\0`);
const ready = () => message('Z', 'I');

/** The client's messages go through the tracker; the server's answers arrive in one chunk, split anywhere. */
function session(mode: RecordMode = 'normalized') {
  const recorded: StatementRecord[] = [];
  const tracker = new StatementTracker('s1', mode, (statement) => recorded.push(statement), { now: () => new Date('2026-11-21T10:00:00Z'), monotonic: () => 0 });
  const scanner = new BackendScanner((event) => tracker.fromServer(event));
  return {
    recorded,
    client: (...messages: Buffer[]) => messages.forEach((each) => tracker.fromClient(each)),
    server: (...messages: Buffer[]) => {
      const all = Buffer.concat(messages);
      // Byte by byte: message boundaries never line up with chunks.
      for (let offset = 0; offset < all.length; offset += 1) scanner.push(all.subarray(offset, offset + 1));
    },
  };
}

const shape = (records: StatementRecord[]) => records.map(({ kind, sql, rows, error: failed, params }) => ({ kind, sql, rows, error: failed, ...(params ? { params } : {}) }));

describe('StatementTracker', () => {
  it('records pipelined extended-protocol executions in order, and drops what an error skipped up to the Sync', () => {
    const s = session();
    s.client(
      serialize.parse({ name: 'ins', text: 'INSERT INTO t VALUES ($1)', types: [] }),
      serialize.bind({ statement: 'ins', values: ['secret-1'] }),
      serialize.execute({}),
      serialize.bind({ statement: 'ins', values: ['secret-2'] }),
      serialize.execute({}),
      serialize.bind({ statement: 'ins', values: ['secret-3'] }),
      serialize.execute({}),
      serialize.sync(),
      serialize.parse({ text: "SELECT 'x' FROM t", types: [] }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    );
    s.server(message('1'), message('2'), complete('INSERT 0 1'), message('2'), error('23505', 'duplicate key value'), ready());
    s.server(message('1'), message('2'), row(), row(), complete('SELECT 2'), ready());
    expect(shape(s.recorded)).toEqual([
      { kind: 'write', sql: 'INSERT INTO t VALUES ($1)', rows: 1, error: null },
      { kind: 'write', sql: 'INSERT INTO t VALUES ($1)', rows: null, error: '23505' },
      { kind: 'read', sql: 'SELECT $1 FROM t', rows: 2, error: null },
    ]);
    expect(JSON.stringify(s.recorded)).not.toMatch(/secret|duplicate/);
  });

  it('keeps parameters and messages only in full mode', () => {
    const s = session('full');
    s.client(serialize.parse({ text: 'UPDATE t SET a = $1 WHERE id = $2', types: [] }), serialize.bind({ values: ['7', null] }), serialize.execute({}), serialize.sync());
    s.server(message('1'), message('2'), error('22P02', 'invalid input syntax for type integer: "7"'), ready());
    expect(shape(s.recorded)).toEqual([{ kind: 'write', sql: 'UPDATE t SET a = $1 WHERE id = $2', rows: null, error: '22P02 invalid input syntax for type integer: "7"', params: ['7', null] }]);
  });

  it('records each statement of a simple query as it completes, none after the one that failed', () => {
    const s = session();
    s.client(serialize.query("SELECT 1; DELETE FROM t WHERE a = 'x'; SELECT 2"));
    s.server(message('T', Buffer.alloc(2)), row(), complete('SELECT 1'), error('42501', 'permission denied'), ready());
    s.client(serialize.query(''));
    s.server(message('I'), ready());
    expect(shape(s.recorded)).toEqual([
      { kind: 'read', sql: 'SELECT $1', rows: 1, error: null },
      { kind: 'write', sql: 'DELETE FROM t WHERE a = $1', rows: null, error: '42501' },
    ]);
  });

  it('records nothing for a statement that was prepared and described but never executed', () => {
    const s = session();
    s.client(serialize.parse({ name: 'p', text: 'SELECT 1', types: [] }), serialize.describe({ type: 'S', name: 'p' }), serialize.sync());
    s.server(message('1'), message('t', Buffer.alloc(2)), message('T', Buffer.alloc(2)), ready());
    s.client(serialize.parse({ text: 'SELEC 1', types: [] }), serialize.sync());
    s.server(error('42601', 'syntax error'), ready());
    expect(s.recorded).toEqual([]);
  });
});
