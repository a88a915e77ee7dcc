import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import type { Connection, FieldPacket } from 'mysql2';
import type { Logger } from '../../log';
import type { Refusal } from '../guards/check-guards';
import { readMysqlStatements, type MysqlScreen } from '../parse-mysql-statements';
import type { StatementRecord } from '../statement-record';
import { statementRecord, type ParsedStatement, type RecordMode } from '../statement-pipeline';
import type { AnswerKind, AnswerListener } from './answer-follower';
import { CommandRecord, type RecordedCommand, type RecordSink } from './command-record';
import { binaryReadOptions, binaryRow, prepareOk, readExecute } from './binary-protocol';
import { columnDefinition, textRow } from './mysql-backend';
import { PacketRelay } from './packet-relay';
import { eofPacket, errPacket, lenenc, okPacket, packet, PayloadReader, ProtocolViolation, STATUS_AUTOCOMMIT, STATUS_MORE_RESULTS, type Packet, type PacketFramer } from './packets';

const COM = { QUIT: 0x01, INIT_DB: 0x02, QUERY: 0x03, PING: 0x0e, STMT_PREPARE: 0x16, STMT_EXECUTE: 0x17, STMT_SEND_LONG_DATA: 0x18, STMT_CLOSE: 0x19, STMT_RESET: 0x1a } as const;
/** ER_UNKNOWN_STMT_HANDLER. */
const UNKNOWN_STATEMENT = { errno: 1243, sqlState: 'HY000' };
/** ER_UNKNOWN_COM_ERROR, ER_CONNECTION_KILLED. */
const UNKNOWN_COMMAND = { errno: 1047, sqlState: '08S01' };
const KILLED = { errno: 1927, sqlState: '70100' };
const LOST = { errno: 2013, sqlState: '08S01' };
/** ER_SPECIFIC_ACCESS_DENIED_ERROR: what a refused statement is answered with. */
const REFUSED = { errno: 1227, sqlState: '42000' };
/** Commands read ahead of the one running; beyond this the client is not read until they have run. */
const MAX_QUEUED_COMMANDS = 16;

export interface MysqlSessionOptions {
  id: string;
  grantId: string;
  client: Duplex;
  /** The framer that read the handshake: it may hold commands sent right behind the credentials. */
  framer: PacketFramer;
  backend: Connection;
  /** The database session's socket, taken from mysql2 to relay the server's own packets: a level with nothing to mask. */
  relay: Duplex | undefined;
  mode: RecordMode;
  /** Decides whether a query string may reach the database (the level's guards and masking); undefined when it may. */
  screen: MysqlScreen | undefined;
  /** How to mask a result set's rows, by its columns' origin (undefined: nothing to mask in it); undefined for an unmasked level. */
  masks: ((fields: FieldPacket[]) => ((values: readonly unknown[]) => unknown[]) | undefined) | undefined;
  record: (statement: StatementRecord) => void;
  log: Logger;
  now: () => Date;
}

/**
 * One requester session on the MySQL wire: each command is read whole, its statements parsed and classified, run
 * on the gateway's own database session, its answer written back as it streams in (rows are never gathered in
 * memory), and each statement recorded once its result is complete. Commands run one at a time, in order.
 * A level with nothing to mask has the server's own packets relayed (PacketRelay); a masked level's answers are
 * read by mysql2 and written anew, masked.
 */
export class MysqlSession {
  readonly id: string;
  readonly grantId: string;
  private readonly closed: Promise<void>;
  /** Commands read and not yet run (the running one first); a loop runs them in turn. */
  private readonly queue: Packet[] = [];
  /** The sequence number of the next packet the running command's answer writes; undefined while idle. */
  private answering: number | undefined;
  private status = STATUS_AUTOCOMMIT;
  /** The client's prepared statements: under the gateway's own ids, or the server's when its packets are relayed. */
  private readonly prepared = new Map<number, Prepared>();
  private nextStatementId = 1;
  /** Records the running statement as ended by the session's end (with that SQLSTATE), if one is running. */
  private cutOff: { cut(code: string): void } | undefined;
  private ended = false;
  private corked = false;
  private readonly clock = { now: () => this.options.now(), monotonic: () => performance.now() };
  private readonly sink: RecordSink;
  private readonly relay: PacketRelay | undefined;

  constructor(private readonly options: MysqlSessionOptions) {
    this.id = options.id;
    this.grantId = options.grantId;
    const { client, backend } = options;
    this.closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('data', (chunk: Buffer) => this.receive(chunk));
    client.on('error', () => this.destroy());
    client.once('end', () => this.destroy());
    backend.on('error', () => this.end(LOST.errno, 'the database session was lost'));
    backend.once('end', () => this.end(LOST.errno, 'the database session was lost'));
    this.sink = { session: this.id, mode: options.mode, record: options.record, clock: this.clock };
    this.relay = options.relay && new PacketRelay(options.relay, client, (error) => this.violated('the database', error));
    this.receive(Buffer.alloc(0));
    client.resume();
  }

  /** Answers the running command (if any) with `message` and closes both sides; resolves once the client is gone. */
  end(errno: number, message: string): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.options.log.info({ event: 'gateway.session_ended', grantId: this.grantId, session: this.id, errno });
      // Where the client's answer stands, before the running command is cut off: a relayed answer cut mid-packet gets no error.
      const sequence = this.relay?.running ? this.relay.sequence : this.answering;
      const sqlState = errno === LOST.errno ? LOST.sqlState : KILLED.sqlState;
      // A relayed answer that is already complete is not cut off (its command is only waiting to be cleared).
      if (this.relay?.running !== false) this.cutOff?.cut(sqlState);
      this.relay?.abandon();
      if (sequence !== undefined) this.options.client.end(errPacket(sequence, { errno, sqlState, message }));
      else this.options.client.end();
      this.options.backend.destroy();
      setTimeout(() => this.options.client.destroy(), 1000).unref();
    }
    return this.closed;
  }

  whenClosed(): Promise<void> {
    return this.closed;
  }

  private destroy(): void {
    this.ended = true;
    this.options.client.destroy();
    this.options.backend.destroy();
  }

  private receive(chunk: Buffer): void {
    const { framer } = this.options;
    framer.push(chunk);
    try {
      for (let command = framer.next(); command; command = framer.next()) this.enqueue(command);
    } catch (error) {
      if (!(error instanceof ProtocolViolation)) throw error;
      this.violated('the client', error);
    }
  }

  private violated(by: 'the client' | 'the database', error: ProtocolViolation): void {
    this.options.log.warn({ event: 'gateway.protocol_violation', grantId: this.grantId, session: this.id, by, error: error.message });
    void this.end(by === 'the client' ? UNKNOWN_COMMAND.errno : LOST.errno, `protocol violation: ${error.message}`);
  }

  private enqueue(command: Packet): void {
    if (this.queue.push(command) >= MAX_QUEUED_COMMANDS) this.options.client.pause();
    if (this.queue.length === 1) queueMicrotask(this.runQueue);
  }

  private readonly runQueue = async (): Promise<void> => {
    for (let command = this.queue[0]; command && !this.ended; command = this.queue[0]) {
      await this.command(command);
      this.queue.shift();
    }
    if (!this.ended) this.options.client.resume();
  };

  private async command(command: Packet): Promise<void> {
    const code = command.payload[0];
    const body = command.payload.subarray(1);
    if (command.sequence !== 0) return void this.end(UNKNOWN_COMMAND.errno, 'protocol violation: a command out of sequence');
    this.answering = 1;
    try {
      switch (code) {
        case COM.QUERY:
          return await this.query(body.toString('utf8'), command.frame);
        case COM.INIT_DB:
          return await this.query(`USE ${quoteIdentifier(body.toString('utf8'))}`);
        case COM.PING:
          return this.write(okPacket(1, { status: this.relay?.status ?? this.status }));
        case COM.STMT_PREPARE:
          return await this.prepare(body.toString('utf8'), command.frame);
        case COM.STMT_EXECUTE:
          return await this.execute(command);
        case COM.STMT_CLOSE:
          return this.close(command);
        case COM.STMT_RESET:
          return await this.reset(command);
        case COM.STMT_SEND_LONG_DATA:
          // It has no answer to refuse it with: the session ends rather than run a statement without its data.
          return void this.end(UNKNOWN_COMMAND.errno, 'the SQL gateway does not relay long data for prepared statements');
        case COM.QUIT:
          return this.destroy();
        default:
          // COM_CHANGE_USER, COM_FIELD_LIST, replication and the rest are refused, and nothing is relayed.
          return this.write(errPacket(1, { ...UNKNOWN_COMMAND, message: `the SQL gateway does not relay command 0x${(code ?? 0).toString(16)}` }));
      }
    } catch (error) {
      if (!(error instanceof ProtocolViolation)) throw error;
      return void this.end(UNKNOWN_COMMAND.errno, `protocol violation: ${error.message}`);
    } finally {
      this.answering = undefined;
      this.cutOff = undefined;
    }
  }

  private write(bytes: Buffer): void {
    if (!this.ended) this.send(bytes);
  }

  /**
   * Writes to the client; what is written in one turn of the event loop (an answer's header, column definitions,
   * rows and end, as mysql2 reads them from one chunk) goes out in one system call. False: the client is behind.
   */
  private send(bytes: Buffer): boolean {
    if (!this.corked) {
      this.corked = true;
      this.options.client.cork();
      process.nextTick(this.uncork);
    }
    return this.options.client.write(bytes);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.options.client.uncork();
  };

  private next(): number {
    const sequence = this.answering ?? 0;
    this.answering = (sequence + 1) & 0xff;
    return sequence;
  }

  /** Runs one COM_QUERY through the pipeline: parse and classify, run, write the answer as it comes, record. */
  private query(sql: string, frame: Buffer = packet(0, Buffer.concat([Buffer.from([COM.QUERY]), Buffer.from(sql, 'utf8')]))): Promise<void> {
    const { statements, refusal } = readMysqlStatements(sql, this.options.screen);
    if (refusal) return Promise.resolve(this.refuse(sql, statements, refusal));
    const command = { sql, statements, params: undefined };
    if (this.relay) return this.relayResults(frame, command);
    return this.run({
      ...command,
      start: () => this.options.backend.query({ sql, rowsAsArray: true, typeCast: (field) => field.buffer() }),
      row: (sequence, _fields, values) => textRow(sequence, values as (Buffer | null)[]),
    });
  }

  /** COM_STMT_PREPARE: classified now, prepared on the database session, answered with the gateway's own id (or the server's, relayed). */
  private prepare(sql: string, frame: Buffer): Promise<void> {
    const { statements, refusal } = readMysqlStatements(sql, this.options.screen);
    if (refusal) return Promise.resolve(this.refuse(sql, statements, refusal));
    // A prepared statement is recorded when it runs; only a prepare the database refuses is recorded here.
    const record = new CommandRecord(this.sink, { sql, statements, params: undefined });
    if (this.relay) {
      return this.relayed(frame, 'prepare', {
        prepared: ({ id, params }) => this.prepared.set(id, { sql, statements, params, types: undefined }),
        result: () => undefined,
        error: (error) => record.error(error),
      });
    }
    return new Promise<void>((resolve) => {
      this.options.backend.prepare(sql, (error, info) => {
        if (error) {
          const sqlState = error.sqlState ?? 'HY000';
          this.write(errPacket(this.next(), { errno: error.errno ?? 1105, sqlState, message: error.message }));
          record.error({ sqlState, message: error.message });
          return resolve();
        }
        const { columns, parameters } = preparedShape.parse(info);
        const id = this.nextStatementId;
        this.nextStatementId += 1;
        this.prepared.set(id, { sql, statements, params: parameters.length, types: undefined });
        this.write(prepareOk(this.next(), id, columns.length, parameters.length));
        for (const group of [parameters, columns]) {
          if (group.length === 0) continue;
          for (const field of group) this.write(columnDefinition(this.next(), field as FieldPacket));
          this.write(eofPacket(this.next(), this.status));
        }
        resolve();
      });
    });
  }

  /** COM_STMT_EXECUTE: the parameters decoded (for the record), run as a prepared statement on the database session, answered in binary rows. */
  private execute({ payload, frame }: Packet): Promise<void> {
    const request = readExecute(
      payload.subarray(1),
      (id) => this.prepared.get(id)?.params,
      (id) => this.prepared.get(id)?.types,
    );
    const prepared = this.prepared.get(request.statementId);
    if (!prepared) return Promise.resolve(this.write(errPacket(1, { ...UNKNOWN_STATEMENT, message: 'unknown prepared statement' })));
    if (request.flags !== 0) return Promise.resolve(this.write(errPacket(1, { ...UNKNOWN_COMMAND, message: 'the SQL gateway does not relay cursors of prepared statements' })));
    if (request.types.length > 0) prepared.types = request.types;
    const { sql } = prepared;
    const command = {
      sql,
      statements: prepared.statements,
      params: request.values.map((value) => (value === null ? null : Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : String(value))),
    };
    if (this.relay) return this.relayResults(frame, command);
    return this.run({
      ...command,
      start: () => this.options.backend.execute({ sql, values: request.values, ...binaryReadOptions }),
      row: (sequence, fields, values) => binaryRow(sequence, fields, values),
    });
  }

  /** COM_STMT_CLOSE has no answer. Mysql2 keeps its statement in its cache (it closes what it evicts); a relayed one the client prepared is closed on the server. */
  private close({ payload, frame }: Packet): void {
    if (this.prepared.delete(new PayloadReader(payload.subarray(1)).uint32())) this.relay?.post(frame);
  }

  private reset({ payload, frame }: Packet): Promise<void> {
    if (!this.prepared.has(new PayloadReader(payload.subarray(1)).uint32())) return Promise.resolve(this.write(errPacket(1, { ...UNKNOWN_STATEMENT, message: 'unknown prepared statement' })));
    if (!this.relay) return Promise.resolve(this.write(okPacket(1, { status: this.status })));
    return this.relayed(frame, 'ok', { result: () => undefined, error: () => undefined });
  }

  /**
   * Answers a refused command with the guard's error and records its refused statement as blocked: nothing of the
   * command reaches the database. An error leaves a MySQL transaction as it was, so the session state is unchanged.
   */
  private refuse(sql: string, statements: readonly ParsedStatement[] | undefined, refusal: Refusal): void {
    const startedAt = performance.now();
    this.write(errPacket(this.next(), { ...REFUSED, message: refusal.message }));
    const outcome = { rows: null, error: { code: REFUSED.sqlState, message: refusal.message }, startedAt, finishedAt: performance.now() };
    this.options.record(statementRecord({ session: this.id, mode: this.options.mode, statement: statements?.[refusal.index], raw: sql, blocked: refusal.guard, outcome }, this.clock));
    this.options.log.info({ event: 'gateway.statement_refused', grantId: this.grantId, session: this.id, guard: refusal.guard });
  }

  /** Relays a command answered by results (a query, an execution), recording each result's rows or the error that ended it. */
  private relayResults(frame: Buffer, command: RecordedCommand): Promise<void> {
    const record = new CommandRecord(this.sink, command);
    return this.relayed(frame, 'results', record, record);
  }

  /**
   * Sends a command (its packet) to the database as the client sent it and relays the server's answer as it is. The
   * session's end cuts it off (`running` records what was running).
   */
  private relayed(frame: Buffer, kind: AnswerKind, listener: AnswerListener, running?: { cut(code: string): void }): Promise<void> {
    if (!this.relay) throw new Error('no relay: this session reads its answers with mysql2');
    this.cutOff = running;
    return this.relay.send(frame, kind, listener);
  }

  /**
   * The one path of every statement's answer that mysql2 reads: written back as mysql2 reads it from the database
   * (result sets row by row, OK, error), masked where the level masks, and each statement recorded once its result
   * is complete.
   */
  private run(command: RunningCommand): Promise<void> {
    const { client, backend } = this.options;
    const record = new CommandRecord(this.sink, command);
    let rows = 0;
    let fields: FieldPacket[] | undefined;
    let mask: ((values: readonly unknown[]) => unknown[]) | undefined;
    let done = false;
    const counted = (outcome: { rows: number | null; error: { code: string; message?: string } | null }, last: boolean) => {
      record.add(outcome, last);
      rows = 0;
    };
    const endResultSet = (more: boolean) => {
      if (!fields) return;
      this.write(eofPacket(this.next(), this.status | (more ? STATUS_MORE_RESULTS : 0)));
      fields = undefined;
      counted({ rows, error: null }, !more);
    };
    return new Promise<void>((resolve) => {
      // The session's end destroys the database session, and mysql2 then says nothing more of this query.
      this.cutOff = {
        cut: (code) => {
          if (done) return;
          done = true;
          counted({ rows: null, error: { code } }, true);
          resolve();
        },
      };
      const running = command.start();
      running.on('fields', (next: FieldPacket[] | undefined) => {
        endResultSet(true);
        if (!next) return;
        fields = next;
        mask = this.options.masks?.(next);
        this.write(packet(this.next(), lenenc(next.length)));
        for (const field of next) this.write(columnDefinition(this.next(), field));
        this.write(eofPacket(this.next(), this.status));
      });
      running.on('result', (row: unknown) => {
        if (fields) {
          rows += 1;
          if (!this.send(command.row(this.next(), fields, mask ? mask(row as unknown[]) : (row as unknown[])))) {
            backend.pause();
            client.once('drain', () => backend.resume());
          }
          return;
        }
        const ok = row as { affectedRows: number; insertId: number; serverStatus?: number; warningStatus?: number; info?: string };
        this.status = (ok.serverStatus ?? STATUS_AUTOCOMMIT) & ~STATUS_MORE_RESULTS;
        this.write(okPacket(this.next(), { affectedRows: ok.affectedRows, insertId: ok.insertId, status: ok.serverStatus ?? STATUS_AUTOCOMMIT, warnings: ok.warningStatus ?? 0, info: ok.info ?? '' }));
        counted({ rows: ok.affectedRows, error: null }, ((ok.serverStatus ?? 0) & STATUS_MORE_RESULTS) === 0);
      });
      running.on('error', (error: { errno?: number; sqlState?: string; sqlMessage?: string; message: string; fatal?: boolean }) => {
        if (done) return;
        done = true;
        // The error ends the command; a result set before it was complete (the server went on to the next statement).
        endResultSet(true);
        // A statement cut off by the session's end (revoke, expiry) or a lost database session may have done its work.
        const sqlState = error.fatal ? (this.ended ? KILLED.sqlState : LOST.sqlState) : (error.sqlState ?? 'HY000');
        if (error.errno !== undefined && !error.fatal) this.write(errPacket(this.next(), { errno: error.errno, sqlState, message: error.sqlMessage ?? error.message }));
        counted({ rows: null, error: { code: sqlState, message: error.sqlMessage ?? error.message } }, true);
        resolve();
      });
      running.on('end', () => {
        if (done) return;
        done = true;
        endResultSet(false);
        resolve();
      });
    });
  }
}

/** A statement the client prepared, under the id the gateway gave it. */
interface Prepared {
  sql: string;
  statements: readonly ParsedStatement[] | undefined;
  params: number;
  /** The parameter types the last execution bound. */
  types: number[] | undefined;
}

/** One command's run on mysql2: how to start it on the database session, how to write a row back. */
interface RunningCommand extends RecordedCommand {
  start(): Pick<EventEmitter, 'on'>;
  row(sequence: number, fields: FieldPacket[], values: unknown[]): Buffer;
}

/** What mysql2 tells of a prepared statement (its typings leave the definitions out). */
const preparedShape = z.object({ columns: z.array(z.unknown()), parameters: z.array(z.unknown()) });

/** A database name as an identifier: backticks doubled, as the server reads them. */
function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
