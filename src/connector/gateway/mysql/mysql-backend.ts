import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import { createConnection, type Connection, type FieldPacket } from 'mysql2';
import { loginUrl } from '../login-url';
import { ClassicGreeting } from './classic-greeting';
import { lenencString, packet } from './packets';

/**
 * Opens the gateway's own session to the database as the grant's login, with mysql2 (TLS as the target URL asks,
 * whatever authentication the server wants). LOCAL INFILE stays off: the server can never ask for a file. Query
 * attributes and MariaDB's extended metadata stay off too, and session tracking is the client's choice, so the
 * server answers in the format the gateway agreed with its client (handshake.ts) and its packets can be relayed as
 * they are (takeSocket).
 */
export function openMysqlBackend(targetUrl: string, login: { username: string; password: string; database: string }, options: { multipleStatements: boolean; foundRows: boolean; sessionTrack: boolean }): Promise<Connection> {
  const connection = createConnection({
    uri: loginUrl(targetUrl, login),
    multipleStatements: options.multipleStatements,
    flags: ['-LOCAL_FILES', '-CLIENT_QUERY_ATTRIBUTES', options.foundRows ? 'FOUND_ROWS' : '-FOUND_ROWS', options.sessionTrack ? 'SESSION_TRACK' : '-SESSION_TRACK'],
    connectTimeout: 5000,
    stream: () => {
      const url = new URL(targetUrl);
      const socket = connect(Number(url.port || 3306), url.hostname.replace(/^\[(.*)\]$/, '$1'));
      // What mysql2 sets on a socket of its own: no Nagle delay, and TCP keep-alive for a long idle session.
      socket.setNoDelay(true);
      socket.setKeepAlive(true);
      return new ClassicGreeting(socket);
    },
  });
  return new Promise((resolve, reject) => {
    connection.once('connect', () => {
      connection.removeAllListeners('error');
      resolve(connection);
    });
    connection.once('error', reject);
  });
}

/**
 * The session's socket, taken from mysql2 once the session is set up (idle, nothing buffered): from here the
 * gateway writes commands and reads the server's packets itself. mysql2 still watches the socket's end and errors,
 * and `connection.destroy()` still closes it.
 */
export function takeSocket(connection: Connection): Duplex {
  const stream: unknown = Reflect.get(connection, 'stream');
  // Plaintext: the socket itself. Over TLS, mysql2's TLS socket (over the greeting's stream).
  if (stream instanceof ClassicGreeting) return stream.detach();
  if (!(stream instanceof Duplex)) throw new Error('mysql2 keeps no socket to take over');
  stream.removeAllListeners('data');
  return stream;
}

/** Protocol::ColumnDefinition41, from the definition mysql2 read off the database's answer. */
export function columnDefinition(sequence: number, field: FieldPacket): Buffer {
  const fixed = Buffer.alloc(13);
  fixed[0] = 0x0c;
  fixed.writeUInt16LE(field.characterSet ?? 63, 1);
  fixed.writeUInt32LE(field.columnLength ?? 0, 3);
  fixed.writeUInt8(field.columnType ?? 0xfd, 7);
  fixed.writeUInt16LE(typeof field.flags === 'number' ? field.flags : 0, 8);
  fixed.writeUInt8(field.decimals, 10);
  return packet(
    sequence,
    Buffer.concat([lenencString('def'), lenencString(field.schema ?? ''), lenencString(field.table), lenencString(field.orgTable), lenencString(field.name), lenencString(field.orgName), fixed]),
  );
}

/** ProtocolText::ResultsetRow from the raw bytes of each value (NULL is 0xFB). */
export function textRow(sequence: number, values: readonly (Buffer | null)[]): Buffer {
  return packet(sequence, Buffer.concat(values.map((value) => (value === null ? Buffer.from([0xfb]) : lenencString(value)))));
}
