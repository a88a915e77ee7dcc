import type { Duplex } from 'node:stream';
import { AnswerFollower, type AnswerKind, type AnswerListener } from './answer-follower';
import { ProtocolViolation } from './packets';

/**
 * The database session's socket, once the gateway relays the server's own packets (a level with nothing to mask):
 * one command at a time is sent, and its answer is followed and written to the client as it arrives, chunk by
 * chunk, with the client's pace (the socket is paused while the client is behind).
 */
export class PacketRelay {
  private readonly follower = new AnswerFollower();
  /** Settles the running command's `send`; undefined while none runs. */
  private settle: (() => void) | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly client: Duplex,
    /** The server broke the protocol (or spoke when no command was running): the session must end. */
    private readonly violated: (error: ProtocolViolation) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.resume();
    client.on('drain', () => socket.resume());
  }

  /** The server status the last answer ended with. */
  get status(): number {
    return this.follower.status;
  }

  get running(): boolean {
    return this.settle !== undefined;
  }

  /** The sequence number of the running answer's next packet; undefined mid-packet, where nothing else can be written. */
  get sequence(): number | undefined {
    return this.running && this.follower.betweenPackets ? this.follower.sequence : undefined;
  }

  /** Sends one command (its packet, sequence 0) and relays its answer; resolves once the answer is complete or abandoned. */
  send(frame: Buffer, kind: AnswerKind, listener: AnswerListener): Promise<void> {
    this.follower.follow(kind, listener);
    const sent = new Promise<void>((resolve) => {
      this.settle = resolve;
    });
    this.socket.write(frame);
    return sent;
  }

  /** Stops following the running answer (the session is ending) and settles its `send`. */
  abandon(): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.();
  }

  /** Sends a command the server does not answer (COM_STMT_CLOSE). */
  post(frame: Buffer): void {
    this.socket.write(frame);
  }

  private receive(chunk: Buffer): void {
    try {
      if (!this.running) throw new ProtocolViolation('the database sent a packet while no command was running');
      this.follower.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolViolation)) throw error;
      this.socket.pause();
      this.abandon();
      return this.violated(error);
    }
    if (!this.client.write(chunk)) this.socket.pause();
    if (this.follower.done) this.abandon();
  }
}
