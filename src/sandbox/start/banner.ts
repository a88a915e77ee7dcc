import type { RunningSandbox } from './start-sandbox';

/** What `npm start` prints once ready: where to go, who to be, where the logs are. No secret. */
export function banner(sandbox: RunningSandbox): string {
  const users = Object.values(sandbox.directory.users).map((user) => `    ${user.email.padEnd(20)} ${user.displayName} (${user.role})`);
  const targets = sandbox.options.targetUrl === undefined ? 'shop-dev (dev) and shop-prod (prod) on an embedded PostgreSQL server on this machine' : `shop-dev (dev) and shop-prod (prod) on ${new URL(sandbox.options.targetUrl).host}`;
  return [
    '',
    `JIT database access sandbox ready in ${(sandbox.startedInMs / 1000).toFixed(1)} s`,
    '',
    `  Browser UI      ${sandbox.url}/`,
    `  App settings    ${sandbox.url}/#/settings  (the app's admin page; sign in as admin@example.com)`,
    `  REST API        ${sandbox.url}/rest/servicedeskapi/servicedesk  (Basic auth: a demo user's email, any token)`,
    `  Service desk    ${sandbox.directory.projectKey} (id ${sandbox.directory.serviceDeskId}); approved change ${sandbox.directory.changeKey}`,
    `  Targets         ${targets}`,
    ...(sandbox.gatewayEndpoint === undefined ? [] : [`  SQL gateway     ${sandbox.gatewayEndpoint.host}:${sandbox.gatewayEndpoint.port}  (requesters connect here; it records what they run)`]),
    `  Sweep           every ${sandbox.options.sweepSeconds} s`,
    `  Data            ${sandbox.options.dataDir}${sandbox.options.dataDirIsTemporary ? ' (temporary, removed on exit)' : ''}`,
    `  Connector log   ${sandbox.connectorLog}`,
    ...(sandbox.databaseLog === undefined ? [] : [`  Database log    ${sandbox.databaseLog}`]),
    ...(sandbox.app === undefined ? ['', '  WARNING: the app manifest declares no resolvers yet, so the app is not configured and has no request types.'] : []),
    ...sandbox.warnings.flatMap((warning) => ['', `  WARNING: ${warning}`]),
    '',
    '  Demo users:',
    ...users,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
