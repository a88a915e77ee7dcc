import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DOC_IMAGES = join(__dirname, '..', '..', 'docs', 'images');

/**
 * Screenshots always land in test-artifacts/; the README's copies under docs/images/ are replaced only when
 * asked (`UPDATE_DOC_IMAGES=1 npx jest test/browser test/sandbox/browser`), so an ordinary test run leaves the
 * working tree clean.
 */
export function publishScreenshot(file: string, nameUnderDocImages: string): void {
  if (process.env.UPDATE_DOC_IMAGES !== '1') return;
  const target = join(DOC_IMAGES, nameUnderDocImages);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
