import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { GatewayCredentials, GatewayLogin } from '../gateway-credentials';
import { authSwitch, greeting, NATIVE_PASSWORD, readHandshakeResponse, scramble, verifyNative, type HandshakeResponse } from './handshake';
import { errPacket, PacketFramer, ProtocolViolation, type Packet } from './packets';

/** Before authentication a client sends a handshake response and perhaps an auth-switch answer: nothing larger. */
const MAX_PREAUTH_PACKET = 4096;
const AUTH_TIMEOUT_MS = 30_000;
const SERVER_VERSION = '8.0.35-jit-gateway';
export const ACCESS_DENIED = { errno: 1045, sqlState: '28000' };
const HANDSHAKE_ERROR = { errno: 1043, sqlState: '08S01' };
/** A verifier no password matches: an unknown user is checked against it, and fails the way a wrong password does. */
const UNMATCHABLE = Buffer.alloc(20);

export interface AuthenticatedClient {
  /** The client's connection: the socket, or the TLS layer over it. */
  transport: Duplex;
  /** The framer that read the handshake: it holds what came right behind it, unread. */
  framer: PacketFramer;
  login: GatewayLogin;
  response: HandshakeResponse;
  /** The sequence number of the gateway's answer to the authentication (its OK or error). */
  sequence: number;
}

/**
 * The server side of the MySQL handshake, on one client connection: greeting, TLS when the gateway has it (and then
 * required: a plaintext handshake response is refused), mysql_native_password against the grant's gateway
 * credential, with an auth switch for a client that starts with another plugin. Resolves with the authenticated
 * client, or undefined once it refused the client and closed the connection. Nothing is relayed before it resolves.
 */
export function authenticateClient(socket: Socket, options: { credentials: GatewayCredentials; tls: { cert: Buffer; key: Buffer } | undefined }): Promise<AuthenticatedClient | undefined> {
  return new Promise((resolve) => {
    socket.setTimeout(AUTH_TIMEOUT_MS, () => {
      socket.destroy();
      resolve(undefined);
    });
    const salt = scramble();
    let transport: Duplex = socket;
    let framer = new PacketFramer(MAX_PREAUTH_PACKET);
    let step: 'response' | 'switch' | 'done' = 'response';
    let response: HandshakeResponse | undefined;
    let expected = 1;
    let last = 0;
    const refuse = (sequence: number, error: { errno: number; sqlState: string }, message: string) => {
      step = 'done';
      transport.removeListener('data', onData);
      transport.end(errPacket(sequence, { ...error, message }));
      resolve(undefined);
    };
    const authenticate = (sequence: number, token: Buffer) => {
      if (!response) return;
      const login = options.credentials.find(response.user);
      const verified = verifyNative(salt, token, login?.nativeVerifier ?? UNMATCHABLE);
      if (!login || !verified) return refuse(sequence + 1, ACCESS_DENIED, `Access denied for user '${response.user}' to the SQL gateway`);
      step = 'done';
      transport.removeListener('data', onData);
      transport.pause();
      socket.setTimeout(0);
      resolve({ transport, framer, login, response, sequence: sequence + 1 });
    };
    const startTls = (credentials: { cert: Buffer; key: Buffer }) => {
      transport.removeListener('data', onData);
      // The client sends its TLS hello right behind the SSL request, perhaps in the same read.
      const hello = framer.drain();
      framer = new PacketFramer(MAX_PREAUTH_PACKET);
      const secure = new TLSSocket(replaying(socket, hello), { isServer: true, cert: credentials.cert, key: credentials.key, minVersion: 'TLSv1.2' });
      secure.on('error', () => {
        socket.destroy();
        resolve(undefined);
      });
      secure.once('secure', () => {
        transport = secure;
        expected = 2;
        secure.on('data', onData);
      });
    };
    const onPacket = (received: Packet) => {
      last = received.sequence;
      if (step === 'response') {
        if (received.sequence !== expected) throw new ProtocolViolation('a handshake response out of sequence');
        response = readHandshakeResponse(received.payload);
        if (response.sslRequest) {
          if (!options.tls || transport !== socket) throw new ProtocolViolation('TLS was not offered');
          return startTls(options.tls);
        }
        if (options.tls && transport === socket) return refuse(received.sequence + 1, ACCESS_DENIED, 'the SQL gateway requires TLS');
        if (response.plugin !== undefined && response.plugin !== NATIVE_PASSWORD) {
          step = 'switch';
          transport.write(authSwitch(received.sequence + 1, salt));
          return;
        }
        return authenticate(received.sequence, response.authResponse);
      }
      if (step === 'switch') {
        if (received.sequence !== expected + 2) throw new ProtocolViolation('an auth-switch answer out of sequence');
        return authenticate(received.sequence, received.payload);
      }
    };
    const onData = (chunk: Buffer) => {
      const reading = framer;
      reading.push(chunk);
      try {
        // Stops at the end of the handshake (or at the switch to TLS): what follows is not the handshake's to read.
        for (let received = reading.next(); received; received = step === 'done' || framer !== reading ? undefined : reading.next()) onPacket(received);
      } catch (error) {
        if (!(error instanceof ProtocolViolation)) throw error;
        refuse(last + 1, HANDSHAKE_ERROR, `Bad handshake: ${error.message}`);
      }
    };
    socket.on('data', onData);
    socket.write(greeting({ connectionId: randomInt(1, 2 ** 31 - 1), scramble: salt, tls: Boolean(options.tls), serverVersion: SERVER_VERSION }));
  });
}

/** The socket as a stream that first gives back `buffered`, bytes already read from it. */
function replaying(socket: Socket, buffered: Buffer): Duplex {
  const stream = new Duplex({
    read: () => socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => socket.write(chunk, callback),
    final: (callback) => socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy();
      callback(error);
    },
  });
  if (buffered.length > 0) stream.push(buffered);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once('end', () => stream.push(null));
  socket.once('close', () => stream.destroy());
  return stream;
}
