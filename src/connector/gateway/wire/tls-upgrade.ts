import { once } from 'node:events';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { DuplexStream, PostgresConnectionAdapters } from 'pg-gateway';
import { startupStream } from './startup-stream';

/**
 * pg-gateway's TLS adapter for one client. The handshake runs on the socket itself (the startup stream is released
 * first) and the library then reads the TLS socket through a new startup stream; `secured` hands the TLS socket to
 * the gateway for the relay. Unlike the library's own adapter, a failed handshake (a client that switches to
 * plaintext after the gateway agreed to TLS) closes the connection and hands the library a stream that has
 * already ended, instead of a rejection it cannot clean up after.
 */
export function tlsUpgrade(
  raw: Socket,
  credentials: { cert: Buffer; key: Buffer },
  plain: { release(): void },
  secured: (socket: TLSSocket, stream: ReturnType<typeof startupStream>) => void,
): NonNullable<PostgresConnectionAdapters['upgradeTls']> {
  return async () => {
    plain.release();
    const secure = new TLSSocket(raw, { isServer: true, cert: credentials.cert, key: credentials.key, minVersion: 'TLSv1.2' });
    secure.on('error', () => raw.destroy());
    try {
      await once(secure, 'secure');
    } catch {
      raw.destroy();
      return { duplex: ended(), tlsInfo: {} };
    }
    const stream = startupStream(secure);
    secured(secure, stream);
    return { duplex: stream.duplex, tlsInfo: {} };
  };
}

function ended(): DuplexStream<Uint8Array> {
  return {
    readable: new ReadableStream<Uint8Array>({ start: (controller) => controller.close() }),
    writable: new WritableStream<Uint8Array>(),
  };
}
