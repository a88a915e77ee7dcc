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
  /** The start of a header split across chunks (rare): the header is read in place otherwise. */
  private partial: Buffer | undefined;
  private type = '';
  private remaining = 0;
  private body: Buffer[] | undefined;

  constructor(private readonly onMessage: (event: BackendEvent) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        let header = chunk;
        let at = offset;
        if (this.partial !== undefined || chunk.length - offset < 5) {
          const take = Math.min(5 - (this.partial?.length ?? 0), chunk.length - offset);
          header = this.partial ? Buffer.concat([this.partial, chunk.subarray(offset, offset + take)]) : Buffer.from(chunk.subarray(offset, offset + take));
          offset += take;
          if (header.length < 5) {
            this.partial = header;
            return;
          }
          this.partial = undefined;
          at = 0;
        } else {
          offset += 5;
        }
        this.type = String.fromCharCode(header[at] ?? 0);
        this.remaining = header.readInt32BE(at + 1) - 4;
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
    const event: BackendEvent = this.body ? { type: this.type, body: this.body.length === 1 ? (this.body[0] as Buffer) : Buffer.concat(this.body) } : { type: this.type };
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
