import { connect, Socket } from 'node:net';
import { Client } from 'pg';
import { loginUrl } from './login-url';
import { cancelRequest } from './wire/frontend-messages';

export interface BackendConnection {
  socket: Socket;
  /** The server's ParameterStatus values after startup (server_version, client_encoding, …). */
  parameters: [string, string][];
  processId: number;
  secretKey: number;
}

/**
 * Opens the gateway's own session to the database as the grant's login. The `pg` client does the startup (TLS as
 * the target URL asks, SCRAM to the server); once the server is ready for queries the gateway takes its socket over
 * and relays bytes, the way pg-copy-streams and pg-cursor work on `client.connection`.
 */
/** Startup parameters a client may pass on to its database session; `replication` and the rest never are. */
export interface ClientStartup {
  application_name?: string | undefined;
  options?: string | undefined;
}

export async function openBackend(
  targetUrl: string,
  login: { username: string; password: string; database: string },
  startup: ClientStartup,
  /** Runs on the session, as the login, before the gateway takes its socket over (the masking catalog's reads). */
  beforeRelay?: (client: Client) => Promise<void>,
): Promise<BackendConnection> {
  const client = new Client({
    connectionString: loginUrl(targetUrl, login),
    ...(startup.application_name ? { application_name: startup.application_name } : {}),
    ...(startup.options ? { options: startup.options } : {}),
  });
  const parameters: [string, string][] = [];
  client.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
    parameters.push([message.parameterName, message.parameterValue]);
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await beforeRelay?.(client);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  const socket: unknown = Reflect.get(client.connection, 'stream');
  const processId: unknown = Reflect.get(client, 'processID');
  const secretKey: unknown = Reflect.get(client, 'secretKey');
  if (!(socket instanceof Socket) || typeof processId !== 'number' || typeof secretKey !== 'number') {
    await client.end().catch(() => undefined);
    throw new Error('the database session did not report its socket and cancel key');
  }
  for (const event of ['data', 'end', 'close', 'error']) socket.removeAllListeners(event);
  return { socket, parameters, processId, secretKey };
}

/** Asks the server to cancel what the session `processId` runs (a new connection, as the protocol requires). */
export async function cancelBackend(targetUrl: string, processId: number, secretKey: number): Promise<void> {
  const url = new URL(targetUrl);
  await new Promise<void>((resolve) => {
    const socket = connect(Number(url.port || 5432), url.hostname, () => socket.end(cancelRequest(processId, secretKey)));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}
