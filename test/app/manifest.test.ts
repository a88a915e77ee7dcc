import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from '@forge/manifest';
import { parse } from 'yaml';
import { z } from 'zod';
import * as entry from '../../src/index';
import { contracts } from '../../src/app/resolvers/contracts';

const REPO = join(__dirname, '..', '..');
const manifestPath = join(REPO, 'manifest.yml');
const manifest = z
  .looseObject({
    modules: z.looseObject({ function: z.array(z.looseObject({ key: z.string(), handler: z.string() })) }),
    resources: z.array(z.looseObject({ key: z.string(), path: z.string() })),
    permissions: z.looseObject({ external: z.looseObject({ fetch: z.looseObject({ backend: z.array(z.unknown()) }) }) }),
    app: z.looseObject({ id: z.string(), runtime: z.looseObject({ name: z.string() }) }),
  })
  .parse(parse(readFileSync(manifestPath, 'utf8')));

describe('manifest.yml', () => {
  it('validates offline against the platform schema', async () => {
    const result = await validate(false, manifestPath);
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('names only handlers src/index.ts exports, and src/index.ts exports nothing else', () => {
    const named = manifest.modules.function.map((fn) => {
      const [file, exportName] = fn.handler.split('.');
      expect(file).toBe('index');
      return exportName ?? '';
    });
    expect(named.sort()).toEqual(Object.keys(entry).sort());
    for (const name of named) expect(typeof Reflect.get(entry, name)).toBe('function');
  });

  it('runs on nodejs22.x, declares egress as {address} entries and keeps a placeholder app id', () => {
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
    expect(manifest.app.id).toBe('ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000');
    for (const entryValue of manifest.permissions.external.fetch.backend) expect(entryValue).toEqual({ address: expect.stringMatching(/^https:\/\//) });
    expect(manifest.resources.map((resource) => resource.path).sort()).toEqual(['static/admin-page/build', 'static/portal-form/build', 'static/ticket-panel/build']);
  });

  it('defines a contract for every resolver the UI calls', () => {
    expect(Object.keys(contracts).sort()).toEqual(
      ['auditGrants', 'cancelRequest', 'findChanges', 'getActivity', 'getGrant', 'getSchema', 'getSettings', 'listServiceDesks', 'requestExtension', 'requestForm', 'retryGrant', 'revealCredential', 'revokeNow', 'runQuery', 'saveSettings', 'setConnector', 'setupChecklist', 'setupRequestTypes', 'simulatePolicy', 'testConnection'].sort(),
    );
  });
});
