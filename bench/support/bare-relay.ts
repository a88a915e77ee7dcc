import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A bare TCP relay in this process, the kind the in-process connector runs in: each connection is piped to
 * `upstream` and back, with no parse, no record, nothing read. Measured beside the gateway it shows what any
 * extra process hop costs on this machine (two more socket reads, writes and wake-ups per round trip).
 */
export async function startBareRelay(upstream: { host: string; port: number }): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
  };
  const server = createServer((client) => {
    const backend = connect(upstream.port, upstream.host);
    track(client);
    track(backend);
    client.pipe(backend).pipe(client);
    client.once('close', () => backend.destroy());
    backend.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    host: address,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
