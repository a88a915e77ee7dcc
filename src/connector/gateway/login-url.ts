/** The target's URL with the grant's login and its database in it: how the gateway's own sessions log in as the grant. */
export function loginUrl(targetUrl: string, login: { username: string; password: string; database: string }): string {
  const url = new URL(targetUrl);
  url.username = encodeURIComponent(login.username);
  url.password = encodeURIComponent(login.password);
  url.pathname = `/${encodeURIComponent(login.database)}`;
  return url.toString();
}
