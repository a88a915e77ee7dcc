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

export async function rememberTransition(project: string, wanted: string, id: string): Promise<void> {
  await kvs.set(keyOf(project, wanted), id);
}
