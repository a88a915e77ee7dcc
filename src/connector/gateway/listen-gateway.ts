import type { AddressInfo, Server } from 'node:net';
import type { Logger } from '../log';

/** Binds a gateway front end's server and logs where it listens; the bound address is what targets advertise. */
export async function listenGateway(
  server: Server,
  listen: { host: string; port: number },
  announce: { log: Logger; protocol: 'postgres' | 'mysql'; tls: boolean },
): Promise<{ host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const address = server.address() as AddressInfo;
  announce.log.info({ event: 'gateway.listening', protocol: announce.protocol, host: address.address, port: address.port, tls: announce.tls });
  return { host: address.address, port: address.port };
}
