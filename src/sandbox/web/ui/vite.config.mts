import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The sandbox's browser UI, served by `npm start` from dist/sandbox-ui.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: { outDir: resolve(import.meta.dirname, '../../../../dist/sandbox-ui'), emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
