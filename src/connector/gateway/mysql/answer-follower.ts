import { PayloadReader, ProtocolViolation, STATUS_AUTOCOMMIT, STATUS_MORE_RESULTS } from './packets';

/** What answer a command gets: result sets or OKs (COM_QUERY, COM_STMT_EXECUTE), a prepared statement, or one OK. */
export type AnswerKind = 'results' | 'prepare' | 'ok';

export interface AnswerListener {
  /** A result set ended (its rows counted) or an OK came (its affected rows); `more`: another result follows. */
  result(result: { rows: number; status: number; more: boolean }): void;
  /** The answer ended in an error. */
  error(error: { errno: number; sqlState: string; message: string }): void;
  /** The database prepared the statement, under its own id. */
  prepared?(statement: { id: number; params: number }): void;
}

/** A payload of this length is continued by the next packet. */
const CONTINUED = 0xffffff;
/** The most the follower keeps of one packet it reads (OK, EOF, ERR and column counts are all far smaller). */
const MAX_KEPT = 64 * 1024;

type State = 'first' | 'definitions' | 'definitionsEnd' | 'rows' | 'done';

/**
 * Follows one command's answer through the server's packets, as they arrive in chunks, without copying them: where
 * each result ends, how many rows it had or affected, how it failed, and when the answer is complete. Rows and
 * column definitions are only counted; OK, EOF and ERR packets are read. The answer must be in the format the
 * gateway agrees with its clients: results ended by EOF packets (no DEPRECATE_EOF), no extended metadata.
 */
export class AnswerFollower {
  /** The sequence number of the packet after the last one read. */
  sequence = 1;
  /** The server status the last complete answer ended with (transaction, autocommit), as a PING is answered. */
  status = STATUS_AUTOCOMMIT;
  private state: State = 'done';
  private kind: AnswerKind = 'results';
  private listener: AnswerListener | undefined;
  /** Header bytes read of the current packet (3 of length, 1 of sequence), and what they said. */
  private headerRead = 0;
  private length = 0;
  private packetSequence = 0;
  private payloadLeft = 0;
  /** The current packet's payload so far, when it is one the follower reads; undefined when it is counted. */
  private kept: Buffer[] | undefined;
  private keptLength = 0;
  /** The current packet's first payload byte decides whether it is read (a row is counted, an EOF or ERR read). */
  private deciding = false;
  /** The current packet continues the previous one (whose payload was 0xFFFFFF bytes). */
  private continuation = false;
  private continues = false;
  private definitionsLeft = 0;
  /** The definitions of the group after the current one (a prepared statement's columns, after its parameters). */
  private nextGroupSize = 0;
  private rows = 0;

  /** Starts following the answer to a command just sent (one follower serves a session's commands in turn). */
  follow(kind: AnswerKind, listener: AnswerListener): void {
    this.kind = kind;
    this.listener = listener;
    this.state = 'first';
    this.sequence = 1;
    this.headerRead = 0;
    this.length = 0;
    this.payloadLeft = 0;
    this.kept = undefined;
    this.keptLength = 0;
    this.deciding = false;
    this.continuation = false;
    this.continues = false;
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Every packet read so far is whole (the client's stream could take a packet of the gateway's own here). */
  get betweenPackets(): boolean {
    return this.headerRead === 0 && !this.continues;
  }

  /** Reads the next bytes of the answer. Throws ProtocolViolation for a packet it cannot read or bytes past the end. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === 'done') throw new ProtocolViolation('the database sent more than its answer');
      if (this.headerRead < 4) {
        const byte = chunk[offset] ?? 0;
        if (this.headerRead < 3) this.length |= byte << (8 * this.headerRead);
        else this.packetSequence = byte;
        this.headerRead += 1;
        offset += 1;
        if (this.headerRead === 4) this.begin();
        continue;
      }
      if (this.deciding) this.decide(chunk[offset] ?? 0);
      const take = Math.min(this.payloadLeft, chunk.length - offset);
      if (this.kept) this.keep(chunk.subarray(offset, offset + take));
      this.payloadLeft -= take;
      offset += take;
      if (this.payloadLeft === 0) this.finish();
    }
  }

  /** A packet's header is read: check its sequence and decide whether its payload is read or counted. */
  private begin(): void {
    const { length } = this;
    if (this.packetSequence !== this.sequence) throw new ProtocolViolation(`the database answered out of sequence (${this.packetSequence}, not ${this.sequence})`);
    this.sequence = (this.sequence + 1) & 0xff;
    this.payloadLeft = length;
    this.continuation = this.continues;
    this.continues = length === CONTINUED;
    this.kept = undefined;
    this.keptLength = 0;
    this.deciding = false;
    if (this.continuation) {
      if (this.state !== 'rows' && this.state !== 'definitions') throw new ProtocolViolation('the database continued a packet the gateway reads');
    } else if (this.state === 'rows' && length > 0) this.deciding = true;
    else if (this.state !== 'definitions') this.kept = [];
    if (length === 0) this.finish();
  }

  /** A row starts with anything but 0xFF (ERR), or 0xFE in a packet under 9 bytes (EOF). */
  private decide(first: number): void {
    this.deciding = false;
    if (first === 0xff || (first === 0xfe && this.length < 9)) this.kept = [];
  }

  private keep(bytes: Buffer): void {
    if (!this.kept) return;
    this.keptLength += bytes.length;
    if (this.keptLength > MAX_KEPT) throw new ProtocolViolation('the database sent a status packet of over 64 KiB');
    this.kept.push(bytes);
  }

  /** A packet is complete (or, for a packet continued by the next, its first part). */
  private finish(): void {
    this.headerRead = 0;
    this.length = 0;
    if (this.continues) {
      if (this.kept) throw new ProtocolViolation('the database continued a packet the gateway reads');
      return;
    }
    const payload = this.kept && (this.kept.length === 1 ? this.kept[0] : Buffer.concat(this.kept));
    this.kept = undefined;
    switch (this.state) {
      case 'first':
        return this.first(payload ?? Buffer.alloc(0));
      case 'definitions':
        this.definitionsLeft -= 1;
        if (this.definitionsLeft === 0) this.state = 'definitionsEnd';
        return undefined;
      case 'definitionsEnd':
        if (payload?.[0] !== 0xfe) throw new ProtocolViolation('column definitions did not end with an EOF packet');
        return this.nextGroup();
      case 'rows':
        if (!payload) {
          this.rows += 1;
          return undefined;
        }
        if (payload[0] === 0xff) return this.error(payload);
        return this.ended(this.rows, eofStatus(payload));
      default:
        return undefined;
    }
  }

  private first(payload: Buffer): void {
    const reader = new PayloadReader(payload);
    const head = payload[0];
    if (head === 0xff) return this.error(payload);
    if (head === 0x00 && this.kind === 'prepare') {
      reader.uint8();
      const id = reader.uint32();
      const columns = reader.uint16();
      const params = reader.uint16();
      this.listener?.prepared?.({ id, params });
      this.nextGroupSize = params > 0 ? columns : 0;
      if (params > 0 || columns > 0) return this.definitions(params > 0 ? params : columns);
      this.state = 'done';
      return undefined;
    }
    if (head === 0x00) {
      reader.uint8();
      const rows = reader.lenenc();
      reader.lenenc();
      return this.ended(rows, reader.uint16());
    }
    if (head === 0xfb) throw new ProtocolViolation('the database asked for a local file');
    if (this.kind !== 'results') throw new ProtocolViolation(`an answer of 0x${(head ?? 0).toString(16)} to a command answered by OK or ERR`);
    this.nextGroupSize = 0;
    this.rows = 0;
    this.definitions(reader.lenenc());
  }

  private definitions(count: number): void {
    if (count === 0) throw new ProtocolViolation('a result set of no columns');
    this.definitionsLeft = count;
    this.state = 'definitions';
  }

  /** After a group of definitions: the next group of a prepared statement, the rows of a result set, or the end. */
  private nextGroup(): void {
    const group = this.nextGroupSize;
    this.nextGroupSize = 0;
    if (group > 0) return this.definitions(group);
    this.state = this.kind === 'prepare' ? 'done' : 'rows';
  }

  private ended(rows: number, status: number): void {
    const more = (status & STATUS_MORE_RESULTS) !== 0 && this.kind === 'results';
    this.state = more ? 'first' : 'done';
    this.status = status & ~STATUS_MORE_RESULTS;
    this.listener?.result({ rows, status, more });
  }

  private error(payload: Buffer): void {
    const errno = payload.length >= 3 ? payload.readUInt16LE(1) : 0;
    const marked = payload[3] === 0x23;
    this.state = 'done';
    this.listener?.error({
      errno,
      sqlState: marked ? payload.toString('latin1', 4, 9) : 'HY000',
      message: payload.toString('utf8', marked ? 9 : 3),
    });
  }
}

/** EOF_Packet: 0xFE, warnings (2), status (2). */
function eofStatus(payload: Buffer): number {
  return payload.length >= 5 ? payload.readUInt16LE(3) : 0;
}
