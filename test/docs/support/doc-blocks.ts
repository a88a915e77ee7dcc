import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The text between `<!-- name:begin -->` and `<!-- name:end -->` in a doc, inside its fenced code block. */
export function docBlock(docPath: string, name: string): string {
  const text = readFileSync(join(__dirname, '..', '..', '..', docPath), 'utf8');
  const match = new RegExp(`<!-- ${name}:begin -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`\\n<!-- ${name}:end -->`).exec(text);
  if (!match?.[1]) throw new Error(`${docPath} has no code block marked ${name}`);
  return match[1];
}

/** The block's SQL with the doc's example names replaced by this test's own (whole words only), comments dropped. */
export function withNames(sql: string, names: Record<string, string>): string {
  let out = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  for (const [from, to] of Object.entries(names)) out = out.replace(new RegExp(`(?<![\\w$])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`, 'g'), to);
  return out;
}
