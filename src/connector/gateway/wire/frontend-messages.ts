/** Client messages the gateway reads (PostgreSQL protocol 3.0, "Message Formats"); every other byte is relayed as is. */

/** A single message larger than this is refused before it is buffered (COPY clients send far smaller chunks). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** What the client may send once authenticated; anything else ends the session (deny by default). */
const RELAYED = new Set('QPBEDCHSdcfX');

const EMPTY = Buffer.alloc(0);

export class ProtocolViolation extends Error {
  override readonly name = 'ProtocolViolation';
}

/** Splits a client's byte stream into whole messages (type byte, int32 length, body), refusing bad headers early. */
export class MessageFramer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const messages: Buffer[] = [];
    while (data.length >= 5) {
      const type = String.fromCharCode(data[0] ?? 0);
      const length = data.readInt32BE(1);
      if (!RELAYED.has(type)) throw new ProtocolViolation(`message type ${JSON.stringify(type)} is not allowed through the gateway`);
      if (length < 4 || length > MAX_MESSAGE_BYTES) throw new ProtocolViolation(`message length ${length} is out of bounds`);
      if (data.length < length + 1) break;
      messages.push(data.subarray(0, length + 1));
      data = data.subarray(length + 1);
    }
    // Only an incomplete message is kept, as a copy: the chunk it came in is not held for it.
    this.pending = data.length === 0 ? EMPTY : Buffer.from(data);
    return messages;
  }
}

/** Reads a message body field by field; a field running past the end is a protocol violation. */
export class MessageReader {
  private offset = 5;

  constructor(private readonly message: Buffer) {}

  cstring(): string {
    const end = this.message.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolViolation('a string field has no terminator');
    const value = this.message.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  byte(): number {
    return this.need(1).readUInt8(0);
  }

  int16(): number {
    return this.need(2).readInt16BE(0);
  }

  int32(): number {
    return this.need(4).readInt32BE(0);
  }

  bytes(length: number): Buffer {
    return this.need(length);
  }

  /** Where the next field starts, from the message's type byte. */
  position(): number {
    return this.offset;
  }

  private need(length: number): Buffer {
    if (length < 0 || this.offset + length > this.message.length) throw new ProtocolViolation('a field runs past the end of its message');
    const slice = this.message.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }
}

export interface BindMessage {
  portal: string;
  statement: string;
  /** Parameter values as text (binary ones as \x hex), null for SQL NULL. */
  params: (string | null)[];
  /** The result columns' format codes: none (all text), one for all, or one per column. */
  resultFormats: number[];
}

export function readBind(message: Buffer): BindMessage {
  const reader = new MessageReader(message);
  const portal = reader.cstring();
  const statement = reader.cstring();
  const formats = Array.from({ length: reader.int16() }, () => reader.int16());
  const params = Array.from({ length: reader.int16() }, (_, index) => {
    const length = reader.int32();
    if (length === -1) return null;
    const value = reader.bytes(length);
    const binary = (formats.length === 1 ? formats[0] : formats[index]) === 1;
    return binary ? `\\x${value.toString('hex')}` : value.toString('utf8');
  });
  const resultFormats = Array.from({ length: reader.int16() }, () => reader.int16());
  return { portal, statement, params, resultFormats };
}

/** A 16-byte CancelRequest: length 16, code 1234.5678, then the backend's process id and secret key. */
export function cancelRequest(processId: number, secretKey: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(80877102, 4);
  packet.writeInt32BE(processId, 8);
  packet.writeInt32BE(secretKey, 12);
  return packet;
}

export function isCancelRequest(data: Uint8Array): boolean {
  return data.byteLength === 16 && code(data) === 80877102;
}

export function isGssEncRequest(data: Uint8Array): boolean {
  return data.byteLength === 8 && code(data) === 80877104;
}

export function isSslRequest(data: Uint8Array): boolean {
  return data.byteLength === 8 && code(data) === 80877103;
}

/** A StartupMessage of protocol 3.0, the only version the gateway speaks. */
export function isStartupMessage(data: Uint8Array): boolean {
  return data.byteLength >= 8 && code(data) === 196608;
}

/** The int32 after the length of a message that has no type byte (the startup-phase packets). */
function code(data: Uint8Array): number {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readInt32BE(4);
}
