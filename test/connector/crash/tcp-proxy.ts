import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP forwarder in front of a database, so a test can take the database away from the connector (`cut`:
 * every connection dropped, new ones refused) or hold it still (`pause`: bytes are kept until `resume`).
 */
export class TcpProxy {
  private mode: 'open' | 'paused' | 'cut' = 'open';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private readonly held: (() => void)[] = [];

  private readonly server: Server;
  private listeningPort = 0;

  private constructor(targetHost: string, targetPort: number) {
    this.server = createServer((client) => this.accept(client, targetHost, targetPort));
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.listeningPort = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Bytes that arrived while paused and wait to be forwarded. */
  get heldChunks(): number {
    return this.held.length;
  }

  cut(): void {
    this.mode = 'cut';
    this.held.length = 0;
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  pause(): void {
    this.mode = 'paused';
  }

  /** Back to forwarding, after a cut or a pause (held bytes go first, in order). */
  resume(): void {
    this.mode = 'open';
    for (const forward of this.held.splice(0)) forward();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'cut') return void client.destroy();
    const upstream = connect(port, host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        const send = () => void (to.destroyed || to.write(chunk));
        if (this.mode === 'paused') this.held.push(send);
        else send();
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }
}
