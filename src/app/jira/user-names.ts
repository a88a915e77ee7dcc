import { jira } from './jira-client';

/** What people see instead of an account id Jira cannot name (deleted, or hidden from the app). */
export const UNKNOWN_USER = 'unknown user';

/** The app's own actors in a grant's history: not accounts, named as what they are. */
const SYSTEM_ACTORS: Readonly<Record<string, string>> = { app: 'the app', sweep: "the app's expiry sweep", jsm: 'Jira Service Management', connector: 'the connector' };

const TTL_MS = 60 * 60_000;
/** Reads at once, to stay well inside Jira's rate limits on a long audit page. */
const PARALLEL = 5;
// Per function instance: Forge reuses an instance for later invocations, so repeated views cost no call.
const cache = new Map<string, { name: string; at: number }>();

/**
 * Display names of the given accounts, read through Jira's user API (`GET /rest/api/3/user`, one call per
 * account not read in the last hour); an account Jira does not return, or one it could not be asked about, is
 * UNKNOWN_USER, never its bare id. The app's own actors (SYSTEM_ACTORS) are named without a call.
 */
export async function displayNames(accountIds: Iterable<string>, now = Date.now()): Promise<Record<string, string>> {
  const wanted = [...new Set(accountIds)].filter((id) => id !== '' && SYSTEM_ACTORS[id] === undefined);
  const missing = wanted.filter((id) => {
    const cached = cache.get(id);
    return cached === undefined || cached.at <= now - TTL_MS;
  });
  for (let start = 0; start < missing.length; start += PARALLEL) {
    await Promise.all(
      missing.slice(start, start + PARALLEL).map(async (id) => {
        // A failed read names nobody and caches nothing: the next view asks again.
        const found = await jira.userName(id).then((name) => ({ name }), () => undefined);
        if (found) cache.set(id, { name: found.name ?? UNKNOWN_USER, at: now });
      }),
    );
  }
  const names: Record<string, string> = { ...SYSTEM_ACTORS };
  for (const id of wanted) names[id] = cache.get(id)?.name ?? UNKNOWN_USER;
  return names;
}
