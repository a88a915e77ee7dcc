import type { Socket } from 'node:net';

/** PostgreSQL refuses a startup packet over 10,000 bytes; before authentication nothing larger is buffered. */
const MAX_STARTUP_BYTES = 10_000;
/** Everything a client may send before it is authenticated (a TLS handshake included). */
const MAX_PREAUTH_BYTES = 64 * 1024;
const AUTH_TIMEOUT_MS = 30_000;
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * Watches a client's raw bytes until it is authenticated, beside the protocol library: a first packet announcing
 * more than PostgreSQL accepts, bytes sent after it before it was answered, plaintext after the gateway agreed to
 * TLS (a downgrade), too many bytes or too long a wait end the connection at once, before anything is answered.
 */
export function guardUntilAuthenticated(socket: Socket, tls: boolean): { authenticated(): void } {
  let received = Buffer.alloc(0);
  let total = 0;
  const inspect = (chunk: Buffer) => {
    total += chunk.length;
    if (total > MAX_PREAUTH_BYTES) return socket.destroy();
    if (received.length >= SSL_REQUEST.length + 1) return undefined;
    received = Buffer.concat([received, chunk]);
    if (received.length >= 4 && received.readInt32BE(0) > MAX_STARTUP_BYTES) return socket.destroy();
    if (received.length < SSL_REQUEST.length) return undefined;
    const askedForTls = received.subarray(0, SSL_REQUEST.length).equals(SSL_REQUEST);
    const next = received[askedForTls ? SSL_REQUEST.length : received.readInt32BE(0)];
    // Nothing may follow the first packet before the gateway answered it, except the TLS handshake it agreed to.
    if (next !== undefined && !(askedForTls && (!tls || next === TLS_HANDSHAKE_RECORD))) return socket.destroy();
    return undefined;
  };
  socket.on('data', inspect);
  socket.setTimeout(AUTH_TIMEOUT_MS, () => socket.destroy());
  return {
    authenticated() {
      socket.off('data', inspect);
      socket.setTimeout(0);
    },
  };
}
