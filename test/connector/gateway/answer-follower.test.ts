import { AnswerFollower, type AnswerKind } from '../../../src/connector/gateway/mysql/answer-follower';
import { eofPacket, errPacket, lenenc, okPacket, packet, ProtocolViolation, STATUS_AUTOCOMMIT, STATUS_MORE_RESULTS } from '../../../src/connector/gateway/mysql/packets';

/** Packets numbered from 1, as a server answers a command. */
function answer(...payloads: ((sequence: number) => Buffer)[]): Buffer {
  return Buffer.concat(payloads.map((make, index) => make(index + 1)));
}

const raw = (payload: Buffer) => (sequence: number) => packet(sequence, payload);
const columnCount = (count: number) => raw(lenenc(count));
const definition = (name: string) => raw(Buffer.concat([Buffer.from([3]), Buffer.from('def'), Buffer.from([0, 0, 0, name.length]), Buffer.from(name), Buffer.from([0, 0x0c]), Buffer.alloc(12)]));
const eof = (status = STATUS_AUTOCOMMIT) => (sequence: number) => eofPacket(sequence, status);
const row = (...values: string[]) => raw(Buffer.concat(values.map((value) => Buffer.concat([lenenc(Buffer.byteLength(value)), Buffer.from(value)]))));
const ok = (affectedRows: number, status = STATUS_AUTOCOMMIT) => (sequence: number) => okPacket(sequence, { affectedRows, status });
const err = (errno: number, message: string) => (sequence: number) => errPacket(sequence, { errno, sqlState: '42000', message });

/** What the follower reports for `bytes` cut into chunks of `size`, and whether it saw the answer end. */
function follow(kind: AnswerKind, bytes: Buffer, size = bytes.length) {
  const events: unknown[] = [];
  const follower = new AnswerFollower();
  follower.follow(kind, {
    result: (result) => events.push({ result }),
    error: (error) => events.push({ error }),
    prepared: (statement) => events.push({ prepared: statement }),
  });
  for (let offset = 0; offset < bytes.length; offset += size) follower.push(bytes.subarray(offset, offset + size));
  return { events, done: follower.done, sequence: follower.sequence };
}

const resultSet = answer(columnCount(2), definition('id'), definition('note'), eof(), row('1', 'first'), row('2', 'x'.repeat(300)), eof());

describe('AnswerFollower: where a relayed answer ends and what it came to', () => {
  it.each([1, 2, 3, 5, 7, 64, resultSet.length])('reads a result set the same in chunks of %i bytes, without taking the rows apart', (size) => {
    expect(follow('results', resultSet, size)).toEqual({ events: [{ result: { rows: 2, status: STATUS_AUTOCOMMIT, more: false } }], done: true, sequence: 8 });
  });

  it('follows every result of a multi-statement answer, and ends at the first result without more after it', () => {
    const bytes = answer(ok(3, STATUS_AUTOCOMMIT | STATUS_MORE_RESULTS), columnCount(1), definition('n'), eof(), row('7'), eof(STATUS_AUTOCOMMIT | STATUS_MORE_RESULTS), ok(0));
    expect(follow('results', bytes, 3).events).toEqual([
      { result: { rows: 3, status: STATUS_AUTOCOMMIT | STATUS_MORE_RESULTS, more: true } },
      { result: { rows: 1, status: STATUS_AUTOCOMMIT | STATUS_MORE_RESULTS, more: true } },
      { result: { rows: 0, status: STATUS_AUTOCOMMIT, more: false } },
    ]);
  });

  it('reads an error that cuts a result set short, with its SQLSTATE and message', () => {
    const bytes = answer(columnCount(1), definition('n'), eof(), row('1'), err(1317, 'Query execution was interrupted'));
    expect(follow('results', bytes, 4)).toMatchObject({ events: [{ error: { errno: 1317, sqlState: '42000', message: 'Query execution was interrupted' } }], done: true });
  });

  it('counts a row that starts with 0xFE as a row when it is too long to be an EOF', () => {
    const long = raw(Buffer.concat([Buffer.from([0xfe]), Buffer.alloc(8, 0), Buffer.from('tail')]));
    const bytes = answer(columnCount(1), definition('big'), eof(), long, eof());
    expect(follow('results', bytes, 2).events).toEqual([{ result: { rows: 1, status: STATUS_AUTOCOMMIT, more: false } }]);
  });

  it('counts a row of more than 16 MiB, split over a continued packet, once', () => {
    const first = Buffer.alloc(0xffffff, 0x61);
    const bytes = answer(columnCount(1), definition('big'), eof(), raw(first), raw(Buffer.from('rest')), eof());
    expect(follow('results', bytes, 65536).events).toEqual([{ result: { rows: 1, status: STATUS_AUTOCOMMIT, more: false } }]);
  });

  it('follows a prepared statement to the end of its parameter and column definitions', () => {
    const prepareOk = (statementId: number, columns: number, params: number) => {
      const payload = Buffer.alloc(12);
      payload.writeUInt32LE(statementId, 1);
      payload.writeUInt16LE(columns, 5);
      payload.writeUInt16LE(params, 7);
      return raw(payload);
    };
    expect(follow('prepare', answer(prepareOk(9, 1, 2), definition('?'), definition('?'), eof(), definition('n'), eof()), 3)).toEqual({ events: [{ prepared: { id: 9, params: 2 } }], done: true, sequence: 7 });
    expect(follow('prepare', answer(prepareOk(4, 0, 0)))).toMatchObject({ events: [{ prepared: { id: 4, params: 0 } }], done: true });
    expect(follow('prepare', answer(prepareOk(5, 2, 0), definition('a'), definition('b'), eof()))).toMatchObject({ events: [{ prepared: { id: 5, params: 0 } }], done: true });
  });

  it('is not done until the last packet is whole', () => {
    expect(follow('results', resultSet.subarray(0, resultSet.length - 1)).done).toBe(false);
  });

  it.each<[string, AnswerKind, Buffer]>([
    ['a packet out of sequence', 'results', Buffer.concat([answer(columnCount(1)), packet(3, Buffer.from('def'))])],
    ['bytes after the end of the answer', 'results', Buffer.concat([answer(ok(1)), packet(2, Buffer.from([0]))])],
    ['a request for a local file', 'results', answer(raw(Buffer.concat([Buffer.from([0xfb]), Buffer.from('/etc/passwd')])))],
    ['a result set where only OK or ERR may come', 'ok', resultSet],
    ['a result set of no columns', 'results', answer(columnCount(0))],
    ['definitions that do not end with EOF', 'results', answer(columnCount(1), definition('n'), row('1'))],
    ['a status packet over 64 KiB', 'results', answer(raw(Buffer.concat([Buffer.from([0xff, 1, 0]), Buffer.alloc(70_000, 0x61)])))],
    ['an empty first packet', 'results', answer(raw(Buffer.alloc(0)))],
  ])('refuses %s as a protocol violation', (_name, kind, bytes) => {
    expect(() => follow(kind, bytes, 5)).toThrow(ProtocolViolation);
  });
});
