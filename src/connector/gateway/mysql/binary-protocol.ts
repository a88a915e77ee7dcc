import type { FieldPacket } from 'mysql2';
import { lenencString, packet, PayloadReader, ProtocolViolation } from './packets';

/** Column and parameter types of the binary protocol (MySQL's enum_field_types). */
const T = { TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, TIMESTAMP: 7, LONGLONG: 8, INT24: 9, DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14 } as const;
const BLOBS = new Set([0xf9, 0xfa, 0xfb, 0xfc]);
const UNSIGNED_FLAG = 32;
/** Types whose binary value is a length-encoded string: passed on as the server's bytes. */
const FIXED = new Set<number>([T.TINY, T.SHORT, T.LONG, T.FLOAT, T.DOUBLE, T.NULL, T.TIMESTAMP, T.LONGLONG, T.INT24, T.DATE, T.TIME, T.DATETIME, T.YEAR, T.NEWDATE]);

export type ParamValue = string | number | Buffer | null;

export interface ExecuteRequest {
  statementId: number;
  flags: number;
  values: ParamValue[];
  /** The parameter types this execution bound (kept for executions that do not send them again). */
  types: number[];
}

/** COM_STMT_EXECUTE's body (after the command byte), for a statement with `paramCount` parameters. */
export function readExecute(body: Buffer, paramCount: (statementId: number) => number | undefined, boundTypes: (statementId: number) => number[] | undefined): ExecuteRequest {
  const reader = new PayloadReader(body);
  const statementId = reader.uint32();
  const flags = reader.uint8();
  reader.uint32();
  const count = paramCount(statementId);
  if (count === undefined) return { statementId, flags, values: [], types: [] };
  if (count === 0) return { statementId, flags, values: [], types: [] };
  const nulls = reader.bytes((count + 7) >> 3);
  const rebound = reader.uint8() === 1;
  const types = rebound ? Array.from({ length: count }, () => reader.uint8() | (reader.uint8() << 8)) : boundTypes(statementId);
  if (!types) throw new ProtocolViolation('an execution without parameter types');
  const values = types.map((type, index) => ((nulls[index >> 3] ?? 0) & (1 << (index & 7)) ? null : readValue(reader, type)));
  return { statementId, flags, values, types };
}

function readValue(reader: PayloadReader, typeAndFlag: number): ParamValue {
  const type = typeAndFlag & 0xff;
  const unsigned = (typeAndFlag & 0x8000) !== 0;
  switch (type) {
    case T.NULL:
      return null;
    case T.TINY:
      return unsigned ? reader.bytes(1).readUInt8(0) : reader.bytes(1).readInt8(0);
    case T.SHORT:
    case T.YEAR:
      return unsigned ? reader.bytes(2).readUInt16LE(0) : reader.bytes(2).readInt16LE(0);
    case T.LONG:
    case T.INT24:
      return unsigned ? reader.bytes(4).readUInt32LE(0) : reader.bytes(4).readInt32LE(0);
    case T.LONGLONG:
      return (unsigned ? reader.bytes(8).readBigUInt64LE(0) : reader.bytes(8).readBigInt64LE(0)).toString();
    case T.FLOAT:
      return reader.bytes(4).readFloatLE(0);
    case T.DOUBLE:
      return reader.bytes(8).readDoubleLE(0);
    case T.DATE:
    case T.DATETIME:
    case T.TIMESTAMP:
    case T.NEWDATE:
      return readDateTime(reader.bytes(reader.uint8()));
    case T.TIME:
      return readTime(reader.bytes(reader.uint8()));
    default: {
      const bytes = reader.bytes(reader.lenenc());
      return BLOBS.has(type) ? Buffer.from(bytes) : bytes.toString('utf8');
    }
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function readDateTime(bytes: Buffer): string {
  const year = bytes.length >= 4 ? bytes.readUInt16LE(0) : 0;
  const date = `${pad(year, 4)}-${pad(bytes[2] ?? 0)}-${pad(bytes[3] ?? 0)}`;
  if (bytes.length < 7) return date;
  const time = `${pad(bytes[4] ?? 0)}:${pad(bytes[5] ?? 0)}:${pad(bytes[6] ?? 0)}`;
  return bytes.length >= 11 ? `${date} ${time}.${pad(bytes.readUInt32LE(7), 6)}` : `${date} ${time}`;
}

function readTime(bytes: Buffer): string {
  if (bytes.length < 8) return '00:00:00';
  const hours = bytes.readUInt32LE(1) * 24 + (bytes[5] ?? 0);
  const time = `${bytes[0] ? '-' : ''}${pad(hours)}:${pad(bytes[6] ?? 0)}:${pad(bytes[7] ?? 0)}`;
  return bytes.length >= 12 ? `${time}.${pad(bytes.readUInt32LE(8), 6)}` : time;
}

/**
 * How mysql2 reads a binary result for the gateway: values of length-encoded types as the server's bytes, the
 * fixed-size ones (integers as strings when large, floats, dates and times as text) to be written back by binaryRow.
 */
export const binaryReadOptions = {
  rowsAsArray: true,
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  typeCast: (field: { type: string; buffer(): Buffer | null }, next: () => unknown) => (FIXED_NAMES.has(field.type) ? next() : field.buffer()),
};
const FIXED_NAMES = new Set(['TINY', 'SHORT', 'LONG', 'FLOAT', 'DOUBLE', 'NULL', 'TIMESTAMP', 'LONGLONG', 'INT24', 'DATE', 'TIME', 'DATETIME', 'YEAR', 'NEWDATE']);

/** ProtocolBinary::ResultsetRow for `fields`, from the values binaryReadOptions gave. */
export function binaryRow(sequence: number, fields: readonly FieldPacket[], values: readonly unknown[]): Buffer {
  const nulls = Buffer.alloc((fields.length + 7 + 2) >> 3);
  const parts: Buffer[] = [Buffer.from([0]), nulls];
  fields.forEach((field, index) => {
    const value = values[index];
    if (value === null || value === undefined) {
      const bit = index + 2;
      nulls[bit >> 3] = (nulls[bit >> 3] ?? 0) | (1 << (bit & 7));
      return;
    }
    parts.push(writeValue(field, value));
  });
  return packet(sequence, Buffer.concat(parts));
}

function writeValue(field: FieldPacket, value: unknown): Buffer {
  const type = field.columnType ?? 0;
  const unsigned = typeof field.flags === 'number' && (field.flags & UNSIGNED_FLAG) !== 0;
  if (!FIXED.has(type)) return lenencString(Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8'));
  const number = Number(value);
  switch (type) {
    case T.TINY:
      return fixed(1, (buffer) => (unsigned ? buffer.writeUInt8(number) : buffer.writeInt8(number)));
    case T.SHORT:
    case T.YEAR:
      return fixed(2, (buffer) => (unsigned ? buffer.writeUInt16LE(number) : buffer.writeInt16LE(number)));
    case T.LONG:
    case T.INT24:
      return fixed(4, (buffer) => (unsigned ? buffer.writeUInt32LE(number) : buffer.writeInt32LE(number)));
    case T.LONGLONG:
      return fixed(8, (buffer) => (unsigned ? buffer.writeBigUInt64LE(BigInt(String(value))) : buffer.writeBigInt64LE(BigInt(String(value)))));
    case T.FLOAT:
      return fixed(4, (buffer) => buffer.writeFloatLE(number));
    case T.DOUBLE:
      return fixed(8, (buffer) => buffer.writeDoubleLE(number));
    case T.TIME:
      return writeTime(String(value));
    default:
      return writeDateTime(String(value));
  }
}

function fixed(length: number, write: (buffer: Buffer) => void): Buffer {
  const buffer = Buffer.alloc(length);
  write(buffer);
  return buffer;
}

/** 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' as the binary protocol's date: length, then the fields present. */
function writeDateTime(text: string): Buffer {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
  if (!match) throw new ProtocolViolation(`a date the gateway cannot encode: ${text.length} characters`);
  const [, year, month, day, hour, minute, second, fraction] = match;
  const micro = fraction ? Number(fraction.padEnd(6, '0')) : 0;
  const body = Buffer.alloc(11);
  body.writeUInt16LE(Number(year), 0);
  body.writeUInt8(Number(month), 2);
  body.writeUInt8(Number(day), 3);
  body.writeUInt8(Number(hour ?? 0), 4);
  body.writeUInt8(Number(minute ?? 0), 5);
  body.writeUInt8(Number(second ?? 0), 6);
  body.writeUInt32LE(micro, 7);
  const length = micro ? 11 : hour !== undefined ? 7 : 4;
  return Buffer.concat([Buffer.from([length]), body.subarray(0, length)]);
}

/** '[-]HHH:MM:SS[.ffffff]' as the binary protocol's time. */
function writeTime(text: string): Buffer {
  const match = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) throw new ProtocolViolation(`a time the gateway cannot encode: ${text.length} characters`);
  const [, negative, hours, minute, second, fraction] = match;
  const micro = fraction ? Number(fraction.padEnd(6, '0')) : 0;
  const body = Buffer.alloc(12);
  body.writeUInt8(negative ? 1 : 0, 0);
  body.writeUInt32LE(Math.floor(Number(hours) / 24), 1);
  body.writeUInt8(Number(hours) % 24, 5);
  body.writeUInt8(Number(minute), 6);
  body.writeUInt8(Number(second), 7);
  body.writeUInt32LE(micro, 8);
  const length = micro ? 12 : 8;
  return Buffer.concat([Buffer.from([length]), body.subarray(0, length)]);
}

/** COM_STMT_PREPARE's OK: the statement's id and how many columns and parameters it has. */
export function prepareOk(sequence: number, statementId: number, columns: number, params: number): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt32LE(statementId, 1);
  body.writeUInt16LE(columns, 5);
  body.writeUInt16LE(params, 7);
  return packet(sequence, body);
}
