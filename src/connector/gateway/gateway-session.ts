import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import type { BackendConnection } from './backend-connection';
import type { StatementRecord } from './statement-record';
import type { RecordMode } from './statement-pipeline';
import { StatementTracker } from './statement-tracker';
import { BackendScanner, errorResponse } from './wire/backend-messages';
import { MessageFramer, ProtocolViolation } from './wire/frontend-messages';

export interface SessionOptions {
  id: string;
  grantId: string;
  client: Duplex;
  backend: BackendConnection;
  mode: RecordMode;
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
  private ended = false;

  constructor(private readonly options: SessionOptions) {
    this.id = options.id;
    this.grantId = options.grantId;
    const { client, backend } = options;
    const server = backend.socket;
    const tracker = new StatementTracker(options.id, options.mode, options.record, { now: options.now, monotonic: () => performance.now() });
    const framer = new MessageFramer();
    const scanner = new BackendScanner((event) => tracker.fromServer(event));

    client.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
        for (const message of messages) tracker.fromClient(message);
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
      tracker.parsePending();
    });
    server.on('data', (chunk: Buffer) => {
      // The answer goes out first; reading it for the record (and parsing what it answers) comes after.
      if (!client.write(chunk)) {
        server.pause();
        client.once('drain', () => server.resume());
      }
      scanner.push(chunk);
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

  /** Tells the client why (a FATAL error it shows), then closes both sides; resolves once both are closed. */
  end(code: string, message: string): Promise<void> {
    if (!this.ended) {
      this.options.log.info({ event: 'gateway.session_ended', grantId: this.grantId, session: this.id, code });
      this.tracker.end(code);
      this.options.client.end(errorResponse({ severity: 'FATAL', code, message }));
      this.options.backend.socket.destroy();
      this.ended = true;
      setTimeout(() => this.options.client.destroy(), 1000).unref();
    }
    return this.closed;
  }

  private destroy(): void {
    if (!this.ended) this.tracker.end('08006');
    this.ended = true;
    this.options.client.destroy();
    this.options.backend.socket.destroy();
  }

  whenClosed(): Promise<void> {
    return this.closed;
  }
}
