import { Client } from 'pg';
import { loginUrl } from '../login-url';

/** A session of the console's own on a PostgreSQL target as the grant's login, read-only on the database when asked. */
export async function openPostgresLogin(targetUrl: string, login: { username: string; password: string; database: string }, readOnly: boolean): Promise<Client> {
  const client = new Client({
    connectionString: loginUrl(targetUrl, login),
    application_name: 'jit-console',
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
