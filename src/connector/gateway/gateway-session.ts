import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import type { BackendConnection } from './backend-connection';
import type { Refusal } from './guards/check-guards';
import { queryMessage, refusedParse, refusedStatement } from './guards/refused-statement';
import { MaskingUnknown, type ResultMasker } from './masking/result-masker';
import type { StatementRecord } from './statement-record';
import type { RecordMode } from './statement-pipeline';
import { StatementTracker } from './statement-tracker';
import { BackendScanner, errorResponse } from './wire/backend-messages';
import { MessageFramer, MessageReader, ProtocolViolation } from './wire/frontend-messages';

export interface SessionOptions {
  id: string;
  grantId: string;
  client: Duplex;
  backend: BackendConnection;
  mode: RecordMode;
  /** Decides whether a query string may reach the database (the level's guards, its masking); undefined when it may. */
  screen: ((sql: string) => Refusal | undefined) | undefined;
  /** Masks the masked columns of the results, for a level that does not see them in the clear. */
  masker: ResultMasker | undefined;
  record: (statement: StatementRecord) => void;
  log: Logger;
  now: () => Date;
}

/**
 * One requester session: the client's messages are framed, checked and tracked, then relayed whole to the
 * database session; the server's bytes go back untouched while a scanner follows their message boundaries.
 */
export class GatewaySession {
  readonly id: string;
  readonly grantId: string;
  private readonly closed: Promise<void>;
  private readonly tracker: StatementTracker;
  private readonly scanner: BackendScanner;
  /** Answers relayed but not yet read for the record, with when each arrived. */
  private unread: { chunk: Buffer; at: number }[] = [];
  /** While the record reads an answer: when it arrived, which is when its statements finished. */
  private readingAt: number | undefined;
  private ended = false;

  constructor(private readonly options: SessionOptions) {
    this.id = options.id;
    this.grantId = options.grantId;
    const { client, backend } = options;
    const server = backend.socket;
    const tracker = new StatementTracker(options.id, options.mode, options.record, { now: options.now, monotonic: () => this.readingAt ?? performance.now() });
    const framer = new MessageFramer();
    this.scanner = new BackendScanner((event) => tracker.fromServer(event));

    client.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk).map((message) => this.guarded(message));
      } catch (error) {
        if (!(error instanceof ProtocolViolation)) throw error;
        this.end('08P01', `protocol violation: ${error.message}`);
        return;
      }
      if (messages.length === 0) return;
      if (!server.write(messages.length === 1 ? (messages[0] as Buffer) : Buffer.concat(messages))) {
        client.pause();
        server.once('drain', () => client.resume());
      }
    });
    server.on('data', (raw: Buffer) => {
      let chunk = raw;
      if (options.masker) {
        try {
          chunk = options.masker.push(raw);
        } catch (error) {
          if (!(error instanceof MaskingUnknown)) throw error;
          this.end('0A000', `the gateway ended the session rather than send rows it cannot mask: ${error.message} (describe each statement before executing it)`);
          return;
        }
      }
      // The answer goes out first; reading it for the record (and parsing what it answers) waits until the
      // answers every session has ready now have been relayed.
      if (!client.write(chunk)) {
        server.pause();
        client.once('drain', () => server.resume());
      }
      if (this.unread.push({ chunk, at: performance.now() }) === 1) setImmediate(this.readAnswers);
    });
    this.tracker = tracker;
    this.closed = new Promise<void>((resolve) => {
      let open = 2;
      const done = () => {
        open -= 1;
        if (open === 0) resolve();
      };
      client.once('close', done);
      server.once('close', done);
    });
    // The startup left the client paused so that nothing it sent was lost in between.
    client.resume();
    client.on('error', () => this.destroy());
    server.on('error', () => this.destroy());
    client.once('end', () => this.destroy());
    server.once('end', () => this.destroy());
  }

  /**
   * Records a client message and returns what goes to the database: the message itself, or for a Query or Parse
   * the guards refuse, one whose statement only fails with the guard's message.
   */
  private guarded(message: Buffer): Buffer {
    const relayed = this.screened(message);
    this.options.masker?.fromClient(relayed);
    return relayed;
  }

  private screened(message: Buffer): Buffer {
    const type = message[0];
    const screen = this.options.screen;
    if (screen === undefined || (type !== 0x51 && type !== 0x50)) {
      this.tracker.fromClient(message);
      return message;
    }
    const reader = new MessageReader(message);
    if (type === 0x50) reader.cstring();
    const refusal = screen(reader.cstring());
    this.tracker.fromClient(message, refusal && { guard: refusal.guard, index: refusal.index });
    if (refusal === undefined) return message;
    this.options.log.info({ event: 'gateway.statement_refused', grantId: this.grantId, session: this.id, guard: refusal.guard });
    return type === 0x51 ? queryMessage(refusedStatement(refusal)) : refusedParse(message, refusal);
  }

  /** Reads the relayed answers for the record, in the order they came. */
  private readonly readAnswers = (): void => {
    for (const { chunk, at } of this.unread.splice(0)) {
      this.readingAt = at;
      this.scanner.push(chunk);
    }
    this.readingAt = undefined;
  };

  /** Tells the client why (a FATAL error it shows), then closes both sides; resolves once both are closed. */
  end(code: string, message: string): Promise<void> {
    if (!this.ended) {
      this.options.log.info({ event: 'gateway.session_ended', grantId: this.grantId, session: this.id, code });
      this.readAnswers();
      this.tracker.end(code);
      this.options.client.end(errorResponse({ severity: 'FATAL', code, message }));
      this.options.backend.socket.destroy();
      this.ended = true;
      setTimeout(() => this.options.client.destroy(), 1000).unref();
    }
    return this.closed;
  }

  private destroy(): void {
    this.readAnswers();
    if (!this.ended) this.tracker.end('08006');
    this.ended = true;
    this.options.client.destroy();
    this.options.backend.socket.destroy();
  }

  whenClosed(): Promise<void> {
    return this.closed;
  }
}
