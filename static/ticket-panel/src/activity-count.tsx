import { Text } from '@atlaskit/primitives';
import { useEffect, useState } from 'react';
import type { ResolverResult } from '../../../src/app/resolvers/contracts';
import { useServices } from '../../shared/app-context';

type Digest = NonNullable<ResolverResult<'getActivity'>['digest']>;

/** How often the count is read again while the panel is open (one resolver call each). */
export const ACTIVITY_REFRESH_MS = 10_000;

/** Tables named in the line; the others are counted. */
const TABLES_SHOWN = 3;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** "14 statements, 2 writes; tables public.orders": counts and tables from the connector's digest, never a statement. */
export function activityLine(digest: Digest): string {
  if (digest.statements === 0) return 'No statement run yet.';
  const counts = [
    plural(digest.statements, 'statement'),
    ...(digest.byKind.write > 0 ? [plural(digest.byKind.write, 'write')] : []),
    ...(digest.byKind.ddl > 0 ? [plural(digest.byKind.ddl, 'schema change')] : []),
    ...(digest.blocked > 0 ? [`${digest.blocked} refused`] : []),
    ...(digest.errors > 0 ? [`${digest.errors} failed`] : []),
  ].join(', ');
  if (digest.tables.length === 0) return `${counts}.`;
  const more = digest.tables.length - TABLES_SHOWN;
  return `${counts}; ${digest.tables.length === 1 ? 'table' : 'tables'} ${digest.tables.slice(0, TABLES_SHOWN).join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
}

/**
 * The live count of what has been run under active access through the SQL gateway, read again every
 * ACTIVITY_REFRESH_MS. Shows nothing for a direct target or a record the connector cannot read (the answer
 * holds no digest, and it stops asking until the panel is opened again); a failed call is tried again.
 */
export function ActivityCount() {
  const { client } = useServices();
  const [digest, setDigest] = useState<Digest | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const answer = await client.call('getActivity', {});
        if (stopped) return;
        setDigest(answer.digest);
        if (answer.digest === null) return;
      } catch {
        if (stopped) return;
      }
      timer = setTimeout(() => void read(), ACTIVITY_REFRESH_MS);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client]);
  if (digest === null) return null;
  return (
    <Text as="p" testId="activity-count">
      {`Activity so far: ${activityLine(digest)}`}
    </Text>
  );
}
