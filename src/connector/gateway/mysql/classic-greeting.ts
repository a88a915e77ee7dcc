import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * The database socket as mysql2 is given it: the server's greeting passed on with no MariaDB extended capabilities,
 * so mysql2 does not ask for extended column metadata (it asks whenever a server offers it) and the server keeps to
 * the classic format the gateway offers its own clients. Everything after the greeting passes unchanged.
 */
export class ClassicGreeting extends Duplex {
  /** The greeting's bytes so far; undefined once it is passed on. */
  private greeting: Buffer | undefined = Buffer.alloc(0);
  private detached = false;
  private readonly receive = (chunk: Buffer) => this.pass(chunk);

  constructor(private readonly socket: Socket) {
    super();
    socket.on('data', this.receive);
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
  }

  /** The socket itself, for a reader that takes over from mysql2; this stream then passes nothing more on. */
  detach(): Socket {
    this.detached = true;
    this.socket.off('data', this.receive);
    return this.socket;
  }

  override _read(): void {
    if (!this.detached) this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.socket.write(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end(done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy();
    done(error);
  }

  private pass(chunk: Buffer): void {
    let bytes = chunk;
    if (this.greeting) {
      const greeting = Buffer.concat([this.greeting, chunk]);
      if (greeting.length < 4 || greeting.length < 4 + greeting.readUIntLE(0, 3)) {
        this.greeting = greeting;
        return;
      }
      this.greeting = undefined;
      bytes = withoutExtendedCapabilities(greeting);
    }
    if (!this.push(bytes)) this.socket.pause();
  }
}

/**
 * Protocol::HandshakeV10 with its last four reserved bytes zeroed: where a MariaDB server (CLIENT_MYSQL unset) says
 * which extended capabilities it has. They follow the version string, connection id (4), scramble part (8), filler
 * (1), capabilities (2), character set (1), status (2), upper capabilities (2), scramble length (1) and 6 reserved.
 */
function withoutExtendedCapabilities(bytes: Buffer): Buffer {
  const versionEnd = bytes.indexOf(0, 5);
  const at = versionEnd + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 6;
  if (bytes[4] !== 10 || versionEnd < 0 || at + 4 > 4 + bytes.readUIntLE(0, 3)) return bytes;
  const greeting = Buffer.from(bytes);
  greeting.fill(0, at, at + 4);
  return greeting;
}
