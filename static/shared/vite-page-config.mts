import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

const protocolSchemas = fileURLToPath(new URL('../../src/protocol/schemas.ts', import.meta.url));

/**
 * One Vite build per Custom UI resource, into `<page>/build` (manifest.yml's resource path). Relative
 * asset URLs (Forge serves the build under its own path), everything bundled (no CDN, Forge's CSP),
 * JSX with React's automatic runtime through Vite's own transform.
 */
export function pageConfig(pageDir: string): UserConfig {
  return defineConfig({
    root: pageDir,
    base: './',
    publicDir: 'public',
    logLevel: 'warn',
    resolve: {
      // The UI imports the resolvers' contracts, whose protocol import also carries the Node-only signing code.
      alias: [{ find: /^(\.\.\/)+protocol$/, replacement: protocolSchemas }],
    },
    mode: 'production',
    oxc: { jsx: { runtime: 'automatic', importSource: 'react', development: false } },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { outDir: 'build', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 4000, target: 'es2022' },
  });
}
