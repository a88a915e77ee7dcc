import { kvs } from '@forge/kvs';
import { z } from 'zod';

/**
 * Workflow transition ids by project and what the app asked for (a transition name or a target status),
 * so moving a ticket costs one Jira call instead of two. A stale id fails and is looked up again.
 */

const keyOf = (project: string, wanted: string) => `transition:${project}:${Buffer.from(wanted.toLowerCase()).toString('base64url')}`;

export async function cachedTransition(project: string, wanted: string): Promise<string | undefined> {
  const parsed = z.string().safeParse(await kvs.get<unknown>(keyOf(project, wanted)));
  return parsed.success ? parsed.data : undefined;
}

/** Remembers transition ids, each under what the app asks for (`transition:<name>` or `status:<name>`). */
export async function rememberTransitions(project: string, ids: ReadonlyArray<{ wanted: string; id: string }>): Promise<void> {
  // Forge takes at most 25 items in one batch.
  for (let start = 0; start < ids.length; start += 25) {
    await kvs.batchSet(ids.slice(start, start + 25).map(({ wanted, id }) => ({ key: keyOf(project, wanted), value: id })));
  }
}
