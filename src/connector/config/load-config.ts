import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ConnectInfo } from '../../protocol';
import type { DriverFactory, Engine } from '../drivers/driver';
import { interpolate } from './interpolate';
import { connectorConfigSchema, type ConnectorConfig, type TargetConfig } from './schema';

/** Every problem of a config at once, so an operator fixes them in one pass; nothing starts with one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the connector config:\n  - ${problems.join('\n  - ')}`);
  }
}

export type PrivilegeCheckers = Record<Engine, Pick<DriverFactory, 'checkPrivilege' | 'createsObjects'>>;

export function parseConfig(text: string, source: string, env: NodeJS.ProcessEnv, checkers: PrivilegeCheckers): ConnectorConfig {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
  const interpolated = interpolate(document, env, problems);
  const parsed = connectorConfigSchema.safeParse(interpolated);
  problems.push(...duplicateTargetIds(interpolated));
  if (!parsed.success) problems.push(...parsed.error.issues.map(describeIssue));
  problems.push(...privilegeProblems(interpolated, checkers));
  if (parsed.success) problems.push(...ownerProblems(parsed.data.targets, checkers), ...sharedTags(parsed.data.targets));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(source, problems);
  return deepFreeze(parsed.data);
}

export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv, checkers: PrivilegeCheckers): Promise<ConnectorConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parseConfig(text, path, env, checkers);
}

/** What a requester is told to connect to: the config's `connect`, else read from the admin URL (never its credentials). */
export function connectInfo(target: TargetConfig): ConnectInfo {
  if (target.connect) return target.connect;
  if (target.engine === 'pglite') return { host: 'embedded', port: 0, database: target.id };
  const url = new URL(target.url);
  const defaultPort = target.engine === 'postgres' ? 5432 : 3306;
  return { host: url.hostname, port: url.port ? Number(url.port) : defaultPort, database: decodeURIComponent(url.pathname.slice(1)) };
}

/** Checked on the raw document so a duplicate is reported even when other problems stop the schema early. */
function duplicateTargetIds(document: unknown): string[] {
  const targets = (document as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  const seen = new Set<unknown>();
  return targets.flatMap((target: unknown, index) => {
    const id = (target as { id?: unknown } | null)?.id;
    if (id === undefined) return [];
    const duplicate = seen.has(id);
    seen.add(id);
    return duplicate ? [`targets[${index}].id: duplicate target id ${String(id)}`] : [];
  });
}

/** What the privilege check needs of one target, read from the raw document so a schema error elsewhere hides nothing. */
const privilegeEntriesSchema = z.object({
  engine: z.enum(['postgres', 'mysql', 'pglite']),
  roles: z.record(z.string(), z.object({ privileges: z.array(z.unknown()).optional() })),
});

function privilegeProblems(document: unknown, checkers: PrivilegeCheckers): string[] {
  const targets = (document as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  return targets.flatMap((raw: unknown, targetIndex) => {
    const target = privilegeEntriesSchema.safeParse(raw);
    if (!target.success) return [];
    return Object.entries(target.data.roles).flatMap(([role, access]) =>
      (access.privileges ?? []).flatMap((privilege, index) =>
        typeof privilege !== 'string'
          ? []
          : checkers[target.data.engine]
              .checkPrivilege(privilege)
              .map((problem) => `targets[${targetIndex}].roles.${role}.privileges[${index}] (${JSON.stringify(privilege)}): ${problem}`),
      ),
    );
  });
}

/** Objects a temporary login created outlive it only as the owner's, never the admin's: no owner, no such level. */
function ownerProblems(targets: TargetConfig[], checkers: PrivilegeCheckers): string[] {
  return targets.flatMap((target, targetIndex) =>
    target.owner !== undefined
      ? []
      : Object.entries(target.roles).flatMap(([role, access]) => {
          const creating = access.privileges.filter((privilege) => checkers[target.engine].createsObjects?.(privilege) === true);
          if (creating.length === 0) return [];
          return [
            `targets[${targetIndex}].roles.${role}: ${creating.map((privilege) => JSON.stringify(privilege)).join(', ')} let a login create objects, ` +
              `which are handed to the target's owner at revocation: set targets[${targetIndex}].owner (a NOLOGIN role) or drop the entry`,
          ];
        }),
  );
}

/**
 * Two targets whose logins would carry the same tag: each would take the other's logins for orphans at start
 * and revoke them. Logins are server-wide on both engines; PostgreSQL tags them with the target id as well as
 * the marker, MySQL/MariaDB with the marker only, so two MySQL targets on one server need different markers.
 */
function sharedTags(targets: TargetConfig[]): string[] {
  const seen = new Map<string, number>();
  return targets.flatMap((target, index) => {
    if (target.engine !== 'mysql') return [];
    const url = new URL(target.url);
    const key = `${url.hostname}:${url.port || '3306'}/${target.marker ?? 'jit_managed'}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return [];
    }
    return [
      `targets[${index}]: on the same server as targets[${first}] with the same marker (${target.marker ?? 'jit_managed'}), ` +
        `so each would revoke the other's logins at start: give one of them another marker`,
    ];
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
  return `${path || '(root)'}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
