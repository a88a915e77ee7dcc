import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ForgeEmulatorError } from './errors';

/**
 * The @forge packages whose runtime seam (`__forge_runtime__`, `__forge_fetch__`, the KVS, queue and web trigger
 * paths) this emulator was checked against, by reading their `out/` code. Any other version may call the seam
 * differently: re-read the packages, update the emulator and its seam tests, then this list.
 */
export const VERIFIED_FORGE_VERSIONS = {
  '@forge/api': '8.3.0',
  '@forge/kvs': '1.6.5',
  '@forge/events': '3.0.8',
  '@forge/resolver': '2.0.1',
  '@forge/egress': '3.0.0',
} as const;

const packageJsonSchema = z.object({ name: z.string(), version: z.string() });

/** Reads the installed version; walks up from the entry point because some packages do not export package.json. */
export function installedForgeVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = packageJsonSchema.safeParse(JSON.parse(readFileSync(candidate, 'utf8')));
      if (parsed.success && parsed.data.name === name) return parsed.data.version;
    }
    dir = dirname(dir);
  }
  throw new ForgeEmulatorError('VERSION_MISMATCH', `No package.json found for ${name}`);
}

/** Throws, naming every package whose installed version differs from the verified one. */
export function assertVerifiedForgeVersions(): void {
  const mismatches = Object.entries(VERIFIED_FORGE_VERSIONS)
    .map(([name, verified]) => ({ name, verified, installed: installedForgeVersion(name) }))
    .filter(({ verified, installed }) => verified !== installed);
  if (mismatches.length > 0) {
    const list = mismatches.map((m) => `${m.name} ${m.installed} (verified ${m.verified})`).join(', ');
    throw new ForgeEmulatorError(
      'VERSION_MISMATCH',
      `The Forge emulator was verified against other @forge versions: ${list}. Re-check the runtime seam before upgrading.`,
    );
  }
}
