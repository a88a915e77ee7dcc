import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { DuplexStream, PostgresConnectionAdapters } from 'pg-gateway';

type WebDuplex = Parameters<typeof Duplex.fromWeb>[0];

/**
 * pg-gateway's TLS adapter for one client. Unlike the library's own, a failed handshake (a client that switches
 * to plaintext after the gateway agreed to TLS, or that speaks no TLS at all) closes the connection and hands the
 * library a stream that has already ended, instead of a rejection it cannot clean up after.
 */
export function tlsUpgrade(raw: Socket, credentials: { cert: Buffer; key: Buffer }): NonNullable<PostgresConnectionAdapters['upgradeTls']> {
  return async (duplex) => {
    const secure = new TLSSocket(Duplex.fromWeb(duplex as unknown as WebDuplex), { isServer: true, cert: credentials.cert, key: credentials.key, minVersion: 'TLSv1.2' });
    secure.on('error', () => raw.destroy());
    try {
      await once(secure, 'secure');
    } catch {
      raw.destroy();
      return { duplex: ended(), tlsInfo: {} };
    }
    return { duplex: Duplex.toWeb(secure) as unknown as DuplexStream<Uint8Array>, tlsInfo: {} };
  };
}

function ended(): DuplexStream<Uint8Array> {
  return {
    readable: new ReadableStream<Uint8Array>({ start: (controller) => controller.close() }),
    writable: new WritableStream<Uint8Array>(),
  };
}
