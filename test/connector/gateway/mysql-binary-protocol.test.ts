import type { FieldPacket } from 'mysql2';
import { binaryRow, readExecute } from '../../../src/connector/gateway/mysql/binary-protocol';
import { ProtocolViolation } from '../../../src/connector/gateway/mysql/packets';

const field = (columnType: number, flags = 0) => ({ columnType, flags, name: 'c', orgName: 'c', table: '', orgTable: '', decimals: 0, catalog: 'def' }) as unknown as FieldPacket;

/** An execution of statement 7 with `types` bound (type, flag pairs) and the values' bytes. */
function execution(types: [number, number][], nulls: number, values: Buffer[]): Buffer {
  const head = Buffer.from([7, 0, 0, 0, 0, 1, 0, 0, 0]);
  return Buffer.concat([head, Buffer.from([nulls, 1]), Buffer.from(types.flat()), ...values]);
}

describe('binary protocol of prepared statements', () => {
  it.each([
    ['TINY signed', field(1), -5, 'fb'],
    ['TINY unsigned', field(1, 32), 250, 'fa'],
    ['SHORT', field(2), -2, 'feff'],
    ['YEAR', field(13, 32), 2026, 'ea07'],
    ['LONG', field(3), 100000, 'a0860100'],
    ['LONGLONG unsigned, from the string mysql2 gives', field(8, 32), '18446744073709551615', 'ffffffffffffffff'],
    ['FLOAT', field(4), 1.5, '0000c03f'],
    ['DOUBLE', field(5), -0.25, '000000000000d0bf'],
    ['DATE', field(10), '2020-01-02', '04e4070102'],
    ['DATETIME with microseconds', field(12), '2020-01-02 03:04:05.678', '0be407010203040570580a00'],
    ['TIME over a day, negative', field(11), '-838:59:59', '080122000000163b3b'],
    ['VAR_STRING, as the server bytes', field(253), Buffer.from('héllo'), `06${Buffer.from('héllo').toString('hex')}`],
  ])('writes %s as the server would', (_name, column, value, hex) => {
    // Header (4), the row's 0x00 and a one-byte null bitmap, then the value.
    expect(binaryRow(1, [column], [value]).subarray(6).toString('hex')).toBe(hex);
  });

  it('marks NULL in the bitmap, offset by two bits, and writes no bytes for it', () => {
    const row = binaryRow(1, [field(3), field(3)], [null, 9]);
    expect(row.subarray(4).toString('hex')).toBe('000409000000');
  });

  it('reads typed parameters, NULL from the bitmap, and keeps the types for the next execution', () => {
    const date = Buffer.from([7, 0xe4, 0x07, 1, 2, 3, 4, 5]);
    const request = readExecute(
      execution([[0x08, 0x80], [0xfd, 0], [0x0c, 0], [0x03, 0], [0xfc, 0]], 0b01000, [Buffer.from('ffffffffffffffff', 'hex'), Buffer.from([2, 0x68, 0x69]), date, Buffer.from([2, 0xca, 0xfe])]),
      () => 5,
      () => undefined,
    );
    expect(request).toMatchObject({ statementId: 7, flags: 0, values: ['18446744073709551615', 'hi', '2020-01-02 03:04:05', null, Buffer.from([0xca, 0xfe])] });
    expect(request.types).toEqual([0x8008, 0xfd, 0x0c, 0x03, 0xfc]);
  });

  it('refuses an execution that ends early or binds no types it was never given', () => {
    expect(() => readExecute(Buffer.from([7, 0, 0]), () => 1, () => undefined)).toThrow(ProtocolViolation);
    expect(() => readExecute(Buffer.from([7, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]), () => 1, () => undefined)).toThrow(ProtocolViolation);
  });
});
