import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Atlassian Design System packages `require()` their compiled CSS next to their JavaScript. Jest has no
 * CSS transform in this project, and styles play no part in these tests (the browser tests see them),
 * so each such file becomes an empty module. Call before the components are imported.
 */
export function stubDesignSystemStyles(): void {
  const root = join(__dirname, '..', '..', '..', 'node_modules', '@atlaskit');
  for (const file of cssFiles(root)) jest.mock(file, () => ({}));
}

function cssFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'esm' || entry.name === 'es2019' || entry.name === 'types' ? [] : cssFiles(path);
    return entry.name.endsWith('.css') ? [path] : [];
  });
}
