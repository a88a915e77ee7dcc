/** Server messages built by the gateway itself, and a scanner that watches the server's stream without copying it. */

export interface ErrorFields {
  severity: 'ERROR' | 'FATAL';
  code: string;
  message: string;
}

export function errorResponse(fields: ErrorFields): Buffer {
  const body = Buffer.concat([
    field('S', fields.severity),
    field('V', fields.severity),
    field('C', fields.code),
    field('M', fields.message),
    Buffer.from([0]),
  ]);
  return message('E', body);
}

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([Buffer.from(`${name}\0${value}\0`, 'utf8')]));
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(processId, 0);
  body.writeInt32BE(secretKey, 4);
  return message('K', body);
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status));
}

function field(code: string, value: string): Buffer {
  return Buffer.from(`${code}${value}\0`, 'utf8');
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** Types whose body the pipeline reads; every other message (rows above all) is only counted or skipped. */
const READ_BODY = new Set(['C', 'E']);

export interface BackendEvent {
  type: string;
  /** Only for CommandComplete and ErrorResponse. */
  body?: Buffer;
}

/** Follows the server's message boundaries across chunks, reading only the few bodies the pipeline needs. */
export class BackendScanner {
  private header = Buffer.alloc(0);
  private type = '';
  private remaining = 0;
  private body: Buffer[] | undefined;

  constructor(private readonly onMessage: (event: BackendEvent) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0 && this.header.length < 5) {
        const take = Math.min(5 - this.header.length, chunk.length - offset);
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
        offset += take;
        if (this.header.length < 5) return;
        this.type = String.fromCharCode(this.header[0] ?? 0);
        this.remaining = this.header.readInt32BE(1) - 4;
        this.body = READ_BODY.has(this.type) ? [] : undefined;
        if (this.remaining === 0) this.finish();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.body?.push(chunk.subarray(offset, offset + take));
      this.remaining -= take;
      offset += take;
      if (this.remaining === 0) this.finish();
    }
  }

  private finish(): void {
    const event: BackendEvent = this.body ? { type: this.type, body: Buffer.concat(this.body) } : { type: this.type };
    this.header = Buffer.alloc(0);
    this.body = undefined;
    this.onMessage(event);
  }
}

/** The SQLSTATE and message of an ErrorResponse body. */
export function readError(body: Buffer): { code: string; message: string } {
  let code = '';
  let text = '';
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const kind = String.fromCharCode(body[offset] ?? 0);
    const end = body.indexOf(0, offset + 1);
    if (end < 0) break;
    const value = body.toString('utf8', offset + 1, end);
    if (kind === 'C') code = value;
    if (kind === 'M') text = value;
    offset = end + 1;
  }
  return { code, message: text };
}
