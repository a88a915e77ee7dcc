import { readFileSync } from 'node:fs';
import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import { load } from 'cheerio';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const egress = z.array(z.union([z.string(), z.looseObject({ address: z.string() })])).optional();

// The manifest permissions @forge/csp reads (ContentPermissions and ExternalPermissions of the Forge schema).
const cspPermissions = z.looseObject({
  permissions: z
    .looseObject({
      content: z.looseObject({ scripts: z.array(z.string()).optional(), styles: z.array(z.literal('unsafe-inline')).optional() }).optional(),
      external: z
        .looseObject({
          images: egress,
          media: egress,
          scripts: egress,
          styles: egress,
          fonts: egress,
          frames: egress,
          fetch: z.looseObject({ client: z.array(z.string()).optional(), backend: egress }).optional(),
        })
        .optional(),
    })
    .default({}),
});

const quiet = { info: () => undefined };

/**
 * The content security policy Forge serves a Custom UI page with, computed by Atlassian's own @forge/csp
 * from the page's index.html (inline scripts are allowed by hash, as on Forge) and the manifest's
 * permissions, for Forge's production environment. `siteUrl` is the product site the page is embedded in
 * (the sandbox's own origin).
 */
export function forgeContentSecurityPolicy(manifestPath: string): (html: string, siteUrl: string) => string {
  const { permissions } = cspPermissions.parse(parseYaml(readFileSync(manifestPath, 'utf8')));
  const processing = new CSPProcessingService(quiet, load);
  const injection = new CSPInjectionService();
  return (html, siteUrl) =>
    injection
      .getInjectableCSP({ existingCSPDetails: processing.getCspDetails(html, permissions), microsEnv: 'prod', hostname: siteUrl })
      .join('; ');
}
