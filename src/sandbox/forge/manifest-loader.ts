import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ForgeEmulatorError } from './errors';
import { type FunctionUse, timeoutProblems } from './time-limits';

const key = z.string().min(1);

// Same pattern as @forge/manifest's modules validator: `path/to/module.exportName`.
const HANDLER_PATTERN = /^([\p{L}\d_-]+(?:\/[\p{L}\d_-]+)*)\.([\p{L}\d_-]+)$/u;
// Same order as @forge/manifest's HANDLER_EXTENSIONS.
const HANDLER_EXTENSIONS = ['tsx', 'jsx', 'ts', 'js', 'cjs'];

const functionSchema = z.looseObject({
  key,
  handler: z.string().regex(HANDLER_PATTERN),
  timeoutSeconds: z.number().int().min(1).max(900).optional(),
});
const triggerSchema = z.looseObject({
  key,
  function: key,
  events: z.array(z.string()).min(1),
  filter: z
    .looseObject({ ignoreSelf: z.boolean().optional(), expression: z.string().optional(), onError: z.string().optional() })
    .optional(),
});
export const SCHEDULE_INTERVALS = ['fiveMinute', 'hour', 'day', 'week'] as const;
const scheduledTriggerSchema = z.looseObject({ key, function: key, interval: z.enum(SCHEDULE_INTERVALS) });
const webtriggerSchema = z.looseObject({ key, function: key });
const consumerSchema = z.looseObject({ key, queue: z.string().regex(/^[a-zA-Z0-9-_]+$/), function: key });
const resolverModuleSchema = z.looseObject({ key, resolver: z.looseObject({ function: key }) });

const entityIndexSchema = z.union([
  z.string(),
  z.strictObject({ name: z.string(), range: z.array(z.string()).min(1), partition: z.array(z.string()).min(1).optional() }),
]);
const entitySchema = z.looseObject({
  name: z.string(),
  attributes: z.record(z.string(), z.looseObject({ type: z.enum(['string', 'boolean', 'float', 'integer', 'any']) })),
  indexes: z.array(entityIndexSchema).optional(),
});
const egressEntrySchema = z.union([z.string(), z.looseObject({ address: z.string() })]);

const manifestSchema = z.looseObject({
  modules: z.looseObject({
    function: z.array(functionSchema).default([]),
    trigger: z.array(triggerSchema).default([]),
    scheduledTrigger: z.array(scheduledTriggerSchema).default([]),
    webtrigger: z.array(webtriggerSchema).default([]),
    consumer: z.array(consumerSchema).default([]),
  }),
  app: z.looseObject({
    id: z.string().regex(/^ari:cloud:ecosystem::app\/[0-9a-f-]+$/),
    storage: z.looseObject({ entities: z.array(entitySchema).default([]) }).optional(),
  }),
  permissions: z
    .looseObject({
      scopes: z.array(z.string()).default([]),
      external: z
        .looseObject({ fetch: z.looseObject({ backend: z.array(egressEntrySchema).default([]) }).optional() })
        .optional(),
    })
    .optional(),
});

type RawManifest = z.infer<typeof manifestSchema>;
export type ScheduleInterval = (typeof SCHEDULE_INTERVALS)[number];
export type EntityAttributeType = z.infer<typeof entitySchema>['attributes'][string]['type'];

export type AppFunction = {
  key: string;
  /** Absolute path of the handler's source file. */
  file: string;
  exportName: string;
  timeoutSeconds: number | undefined;
};
export type EntityIndex = { name: string; range: string[]; partition: string[] };
export type EntityDefinition = { name: string; attributes: Record<string, EntityAttributeType>; indexes: EntityIndex[] };
export type TriggerModule = z.infer<typeof triggerSchema>;
export type ScheduledTriggerModule = z.infer<typeof scheduledTriggerSchema>;
export type WebtriggerModule = z.infer<typeof webtriggerSchema>;
export type ConsumerModule = z.infer<typeof consumerSchema>;
/** A UI module (issue panel, admin page, portal module, ...) whose resolver the bridge's `invoke` calls. */
export type ResolverModule = { key: string; type: string; functionKey: string };

export type LoadedManifest = {
  appId: string;
  functions: ReadonlyMap<string, AppFunction>;
  triggers: TriggerModule[];
  scheduledTriggers: ScheduledTriggerModule[];
  webtriggers: WebtriggerModule[];
  consumers: ConsumerModule[];
  resolverModules: ResolverModule[];
  entities: EntityDefinition[];
  scopes: string[];
  backendEgress: string[];
};

const MODULE_KINDS_WITHOUT_RESOLVER = new Set(['function', 'trigger', 'scheduledTrigger', 'webtrigger', 'consumer']);

/**
 * Reads manifest.yml and wires modules to handler files under `appSourceRoot` (Forge's `src/`), reporting every
 * problem at once: a module whose function is missing, a handler file that does not exist, a `timeoutSeconds` Forge
 * refuses, a feature the emulator does not emulate.
 */
export function loadManifest(manifestPath: string, appSourceRoot: string): LoadedManifest {
  const parsed = manifestSchema.safeParse(parseYaml(readFileSync(manifestPath, 'utf8')));
  if (!parsed.success) {
    throw new ForgeEmulatorError('MANIFEST_INVALID', `${manifestPath}: ${z.prettifyError(parsed.error)}`);
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const functions = new Map(raw.modules.function.map((fn) => [fn.key, resolveFunction(fn, appSourceRoot, problems)]));
  const resolverModules = collectResolverModules(raw);
  const uses: FunctionUse[] = [
    ...(['trigger', 'scheduledTrigger', 'webtrigger', 'consumer'] as const).flatMap((moduleType) =>
      raw.modules[moduleType].map((module) => ({ functionKey: module.function, moduleKey: module.key, moduleType })),
    ),
    ...resolverModules.map((module) => ({ functionKey: module.functionKey, moduleKey: module.key, moduleType: module.type })),
  ];
  for (const use of uses) {
    if (!functions.has(use.functionKey)) {
      problems.push(`module ${use.moduleKey} names function ${use.functionKey}, which modules.function does not declare`);
    }
  }
  problems.push(...timeoutProblems(raw.modules.function, uses));
  for (const trigger of raw.modules.trigger) {
    if (trigger.filter?.expression !== undefined) {
      problems.push(`trigger ${trigger.key}: filter.expression (a Jira expression) is not emulated`);
    }
  }
  if (problems.length > 0) {
    throw new ForgeEmulatorError('MANIFEST_INVALID', `${manifestPath}:\n  ${problems.join('\n  ')}`);
  }
  return {
    appId: raw.app.id.slice('ari:cloud:ecosystem::app/'.length),
    functions,
    triggers: raw.modules.trigger,
    scheduledTriggers: raw.modules.scheduledTrigger,
    webtriggers: raw.modules.webtrigger,
    consumers: raw.modules.consumer,
    resolverModules,
    entities: (raw.app.storage?.entities ?? []).map(toEntityDefinition),
    scopes: raw.permissions?.scopes ?? [],
    backendEgress: (raw.permissions?.external?.fetch?.backend ?? []).map((entry) =>
      typeof entry === 'string' ? entry : entry.address,
    ),
  };
}

function resolveFunction(fn: z.infer<typeof functionSchema>, appSourceRoot: string, problems: string[]): AppFunction {
  const match = HANDLER_PATTERN.exec(fn.handler);
  const modulePath = match?.[1] ?? '';
  const exportName = match?.[2] ?? '';
  const file = HANDLER_EXTENSIONS.map((ext) => join(appSourceRoot, `${modulePath}.${ext}`)).find((f) => existsSync(f));
  if (file === undefined) {
    problems.push(`function ${fn.key}: no file ${modulePath}.{${HANDLER_EXTENSIONS.join(',')}} under ${appSourceRoot}`);
  }
  return { key: fn.key, file: file ?? '', exportName, timeoutSeconds: fn.timeoutSeconds };
}

function collectResolverModules(raw: RawManifest): ResolverModule[] {
  const modules: ResolverModule[] = [];
  for (const [type, entries] of Object.entries(raw.modules)) {
    if (MODULE_KINDS_WITHOUT_RESOLVER.has(type) || !Array.isArray(entries)) continue;
    for (const entry of entries) {
      const parsed = resolverModuleSchema.safeParse(entry);
      if (parsed.success) modules.push({ key: parsed.data.key, type, functionKey: parsed.data.resolver.function });
    }
  }
  return modules;
}

function toEntityDefinition(entity: z.infer<typeof entitySchema>): EntityDefinition {
  return {
    name: entity.name,
    attributes: Object.fromEntries(Object.entries(entity.attributes).map(([name, a]) => [name, a.type])),
    indexes: (entity.indexes ?? []).map((index) =>
      typeof index === 'string' ? { name: index, range: [index], partition: [] } : { ...index, partition: index.partition ?? [] },
    ),
  };
}
