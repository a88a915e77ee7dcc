import type { MaskingCatalog } from '../../../src/connector/gateway/masking/masking-catalog';
import { MaskingUnknown, ResultMasker } from '../../../src/connector/gateway/masking/result-masker';

const TABLE = 16_400;
const TEXT = 25;
const catalog: MaskingCatalog = {
  columns: new Map([[`${TABLE}:3`, 'email']]),
  tables: new Set(['customers']),
  columnNames: new Set(['email']),
  views: new Set(),
  functions: new Set(),
};

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8');
const int16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value, 0);
  return buffer;
};

/** RowDescription of (id from TABLE attnum 1, email from TABLE attnum 3), in `format`. */
const rowDescription = (format: number) =>
  message('T', int16(2), cstring('id'), int32(TABLE), int16(1), int32(23), int16(4), int32(-1), int16(format), cstring('email'), int32(TABLE), int16(3), int32(TEXT), int16(-1), int32(-1), int16(format));
const dataRow = (id: string, email: string) => message('D', int16(2), int32(id.length), Buffer.from(id), int32(Buffer.byteLength(email)), Buffer.from(email));
const parse = (name: string) => message('P', cstring(name), cstring('SELECT id, email FROM customers'), int16(0));
const bind = (portal: string, statement: string, resultFormats: number[]) => message('B', cstring(portal), cstring(statement), int16(0), int16(0), int16(resultFormats.length), ...resultFormats.map(int16));
const describeMessage = (kind: 'S' | 'P', name: string) => message('D', Buffer.from(kind), cstring(name));
const execute = (portal: string) => message('E', cstring(portal), int32(0));
const sync = message('S');

/** The email value of each DataRow in the masker's output (null for SQL NULL). */
function emails(out: Buffer): (string | null)[] {
  const found: (string | null)[] = [];
  let at = 0;
  while (at < out.length) {
    const length = out.readInt32BE(at + 1);
    if (out[at] === 0x44) {
      const idLength = out.readInt32BE(at + 7);
      const emailAt = at + 11 + idLength;
      const emailLength = out.readInt32BE(emailAt);
      found.push(emailLength < 0 ? null : out.toString('utf8', emailAt + 4, emailAt + 4 + emailLength));
    }
    at += length + 1;
  }
  return found;
}

describe('ResultMasker', () => {
  it('masks rows of a simple query by the origins of its RowDescription, across chunk boundaries', () => {
    const masker = new ResultMasker(catalog, Buffer.alloc(32));
    masker.fromClient(message('Q', cstring('SELECT id, email FROM customers')));
    const stream = Buffer.concat([rowDescription(0), dataRow('1', 'ana@secret.example'), message('C', cstring('SELECT 1')), message('Z', Buffer.from('I'))]);
    const out = Buffer.concat([masker.push(stream.subarray(0, 30)), masker.push(stream.subarray(30))]);
    expect(emails(out)).toEqual(['a***@secret.example']);
  });

  it('masks rows of a prepared statement executed later without a Describe, with the Bind\'s result formats', () => {
    const masker = new ResultMasker(catalog, Buffer.alloc(32));
    for (const sent of [parse('s1'), describeMessage('S', 's1'), sync]) masker.fromClient(sent);
    masker.push(Buffer.concat([message('1'), message('t', int16(0)), rowDescription(0), message('Z', Buffer.from('I'))]));
    for (const sent of [bind('', 's1', []), execute(''), bind('', 's1', [1]), execute(''), sync]) masker.fromClient(sent);
    const out = masker.push(
      Buffer.concat([message('2'), dataRow('1', 'ana@secret.example'), message('C', cstring('SELECT 1')), message('2'), dataRow('1', 'ana@secret.example'), message('C', cstring('SELECT 1')), message('Z', Buffer.from('I'))]),
    );
    // Text result: masked; binary result: NULL (a client would read the masked text as the column's binary form).
    expect(emails(out)).toEqual(['a***@secret.example', null]);
  });

  it('refuses to pass rows no RowDescription describes', () => {
    const masker = new ResultMasker(catalog, Buffer.alloc(32));
    for (const sent of [parse(''), bind('', '', []), execute(''), sync]) masker.fromClient(sent);
    expect(() => masker.push(Buffer.concat([message('1'), message('2'), dataRow('1', 'ana@secret.example')]))).toThrow(MaskingUnknown);
  });

  it('drops what an error skipped up to the Sync, so later rows match their own Describe', () => {
    const masker = new ResultMasker(catalog, Buffer.alloc(32));
    for (const sent of [parse('bad'), describeMessage('S', 'bad'), sync, parse(''), bind('p', '', []), describeMessage('P', 'p'), execute('p'), sync]) masker.fromClient(sent);
    const out = masker.push(
      Buffer.concat([
        message('E', Buffer.from('SERROR\0C42601\0Mbad\0\0')),
        message('Z', Buffer.from('I')),
        message('1'), message('2'), rowDescription(0), dataRow('2', 'bo@secret.example'), message('C', cstring('SELECT 1')), message('Z', Buffer.from('I')),
      ]),
    );
    expect(emails(out)).toEqual(['b***@secret.example']);
  });
});
