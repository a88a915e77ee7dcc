/** MySQL client/server protocol packets: framing, and the few the gateway writes itself. */

/** A payload of 0xFFFFFF bytes announces a continuation packet (a command over 16 MiB), which the gateway refuses. */
export const MAX_PAYLOAD = 0xffffff - 1;

export class ProtocolViolation extends Error {
  override readonly name = 'ProtocolViolation';
}

export interface Packet {
  sequence: number;
  payload: Buffer;
  /** The packet as it came, header and payload. */
  frame: Buffer;
}

/**
 * Cuts a byte stream into whole packets, one at a time, so that what follows a packet stays unread until the reader
 * is ready for it (the TLS hello behind an SSL request, the commands behind the credentials). A packet larger than
 * `limit` is refused before it is buffered.
 */
export class PacketFramer {
  private buffered: Buffer = Buffer.alloc(0);

  /** Raised once the client is authenticated: before that, nothing larger than a handshake is buffered. */
  constructor(public limit = MAX_PAYLOAD) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  /** The next whole packet, or undefined until more bytes come. Throws ProtocolViolation for an oversized one. */
  next(): Packet | undefined {
    if (this.buffered.length < 4) return undefined;
    const length = this.buffered.readUIntLE(0, 3);
    if (length > this.limit) throw new ProtocolViolation(`a packet of ${length} bytes is over the gateway's limit of ${this.limit}`);
    if (this.buffered.length < 4 + length) return undefined;
    const packet = { sequence: this.buffered[3] ?? 0, payload: this.buffered.subarray(4, 4 + length), frame: this.buffered.subarray(0, 4 + length) };
    this.buffered = this.buffered.subarray(4 + length);
    return packet;
  }

  /** The bytes not read yet, handed over (to a TLS layer that reads them next). */
  drain(): Buffer {
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }
}

export function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence & 0xff;
  return Buffer.concat([header, payload]);
}

export function lenenc(value: number): Buffer {
  if (value < 0xfb) return Buffer.from([value]);
  if (value <= 0xffff) return Buffer.from([0xfc, value & 0xff, value >> 8]);
  if (value <= 0xffffff) return Buffer.from([0xfd, value & 0xff, (value >> 8) & 0xff, value >> 16]);
  const buffer = Buffer.alloc(9);
  buffer[0] = 0xfe;
  buffer.writeBigUInt64LE(BigInt(value), 1);
  return buffer;
}

export function lenencString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([lenenc(bytes.length), bytes]);
}

/** SERVER_STATUS_AUTOCOMMIT; SERVER_MORE_RESULTS_EXISTS is added between the results of a multi-statement query. */
export const STATUS_AUTOCOMMIT = 0x0002;
export const STATUS_MORE_RESULTS = 0x0008;
/** SERVER_SESSION_STATE_CHANGED: session state follows the info, which the gateway's own OK packets never carry. */
const STATUS_STATE_CHANGED = 0x4000;

/** OK_Packet; its info length-encoded, as MySQL and MariaDB write it whether or not the client tracks session state. */
export function okPacket(sequence: number, ok: { affectedRows?: number; insertId?: number; status?: number; warnings?: number; info?: string } = {}): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16LE((ok.status ?? STATUS_AUTOCOMMIT) & ~STATUS_STATE_CHANGED, 0);
  tail.writeUInt16LE(ok.warnings ?? 0, 2);
  return packet(sequence, Buffer.concat([Buffer.from([0]), lenenc(ok.affectedRows ?? 0), lenenc(ok.insertId ?? 0), tail, ok.info ? lenencString(ok.info) : Buffer.alloc(0)]));
}

export function errPacket(sequence: number, error: { errno: number; sqlState: string; message: string }): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(error.errno, 1);
  return packet(sequence, Buffer.concat([head, Buffer.from(`#${error.sqlState.padEnd(5, '0').slice(0, 5)}`, 'latin1'), Buffer.from(error.message, 'utf8')]));
}

export function eofPacket(sequence: number, status: number, warnings = 0): Buffer {
  const payload = Buffer.alloc(5);
  payload[0] = 0xfe;
  payload.writeUInt16LE(warnings, 1);
  payload.writeUInt16LE(status, 3);
  return packet(sequence, payload);
}

/** A reader over one packet's payload; a read past its end is a ProtocolViolation. */
export class PayloadReader {
  offset = 0;

  constructor(private readonly payload: Buffer) {}

  get remaining(): number {
    return this.payload.length - this.offset;
  }

  bytes(length: number): Buffer {
    if (length < 0 || this.offset + length > this.payload.length) throw new ProtocolViolation('a packet ended early');
    const bytes = this.payload.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  uint8(): number {
    return this.payload.readUInt8(this.skip(1));
  }

  uint16(): number {
    return this.payload.readUInt16LE(this.skip(2));
  }

  uint32(): number {
    return this.payload.readUInt32LE(this.skip(4));
  }

  lenenc(): number {
    const first = this.uint8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.uint16();
    if (first === 0xfd) return this.payload.readUIntLE(this.skip(3), 3);
    if (first === 0xfe) return Number(this.payload.readBigUInt64LE(this.skip(8)));
    throw new ProtocolViolation('a length-encoded integer was malformed');
  }

  /** Moves past `length` bytes (a ProtocolViolation past the end); returns where they start. */
  private skip(length: number): number {
    const at = this.offset;
    if (at + length > this.payload.length) throw new ProtocolViolation('a packet ended early');
    this.offset = at + length;
    return at;
  }

  cstring(): Buffer {
    const end = this.payload.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolViolation('a string was not terminated');
    const value = this.payload.subarray(this.offset, end);
    this.offset = end + 1;
    return value;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }
}
