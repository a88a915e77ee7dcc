import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The Custom UI module types the sandbox renders: the admin page, the issue panel, the portal request view and create form. */
export const HOSTED_MODULE_TYPES = ['jira:adminPage', 'jira:issuePanel', 'jiraServiceManagement:portalRequestDetail', 'jiraServiceManagement:portalRequestCreatePropertyPanel'] as const;
export type HostedModuleType = (typeof HOSTED_MODULE_TYPES)[number];

export type CustomUiPage = {
  moduleKey: string;
  type: HostedModuleType;
  title: string;
  /** The resource's build directory (manifest.yml `resources[].path`), absolute. */
  buildDir: string;
};

const uiModule = z.looseObject({ key: z.string().min(1), title: z.string().default(''), resource: z.string().min(1) });
const manifestShape = z.looseObject({
  modules: z.looseObject({
    'jira:adminPage': z.array(uiModule).default([]),
    'jira:issuePanel': z.array(uiModule).default([]),
    'jiraServiceManagement:portalRequestDetail': z.array(uiModule).default([]),
    'jiraServiceManagement:portalRequestCreatePropertyPanel': z.array(uiModule).default([]),
  }),
  resources: z.array(z.looseObject({ key: z.string(), path: z.string() })).default([]),
});

/** The app's Custom UI modules as manifest.yml declares them, each with the build directory of its resource. */
export function customUiPages(manifestPath: string): CustomUiPage[] {
  const manifest = manifestShape.parse(parseYaml(readFileSync(manifestPath, 'utf8')));
  const root = dirname(manifestPath);
  return HOSTED_MODULE_TYPES.flatMap((type) =>
    manifest.modules[type].flatMap((module) => {
      const resource = manifest.resources.find((candidate) => candidate.key === module.resource);
      return resource === undefined ? [] : [{ moduleKey: module.key, type, title: module.title, buildDir: join(root, resource.path) }];
    }),
  );
}

export function isBuilt(page: Pick<CustomUiPage, 'buildDir'>): boolean {
  return existsSync(join(page.buildDir, 'index.html'));
}

/** What to print when pages are not built: which directories are missing and the command that builds them. */
export function notBuiltWarning(pages: readonly CustomUiPage[], projectRoot: string): string | undefined {
  const missing = [...new Set(pages.filter((page) => !isBuilt(page)).map((page) => relative(projectRoot, page.buildDir)))];
  if (missing.length === 0) return undefined;
  return `The app's Custom UI pages are not built (${missing.join(', ')} missing): run \`npm run build\` and reload the browser.`;
}
