/**
 * Extracts the TypeScript code blocks of the README and docs/*.md (see docs/contributing.md for
 * the conventions: `// fragment` on the first line, `run=<how>` in the fence's info string).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export interface DocBlock {
  /** Path relative to the repository root, e.g. `README.md` or `docs/fga.md`. */
  file: string;
  /** 1-based line of the first line of code (the line after the opening fence). */
  line: number;
  code: string;
  /** `run=<how>` from the info string: `vitest`, `script`, or the id of a check in the test. */
  run: string | undefined;
  /** First line is `// fragment`: deliberately partial, not type-checked. */
  fragment: boolean;
}

/** Markdown files whose TypeScript blocks must compile: the README and every docs/*.md. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every ```ts / ```typescript block of `markdown` (fences at the start of a line). */
export function extractBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  let open: { lang: string; info: string; start: number; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (open === undefined) {
      const fence = /^```(\S*)\s*(.*)$/.exec(text);
      if (fence) open = { lang: fence[1] ?? '', info: fence[2] ?? '', start: index + 2, body: [] };
      return;
    }
    if (/^```\s*$/.test(text)) {
      if (open.lang === 'ts' || open.lang === 'typescript') {
        const code = open.body.join('\n') + '\n';
        blocks.push({
          file,
          line: open.start,
          code,
          run: /(?:^|\s)run=(\S+)/.exec(open.info)?.[1],
          fragment: open.body[0]?.trim() === '// fragment',
        });
      }
      open = undefined;
      return;
    }
    open.body.push(text);
  });
  if (open !== undefined) throw new Error(`${file}:${open.start - 1}: code block is never closed`);
  return blocks;
}

export function allBlocks(): DocBlock[] {
  return documentationFiles().flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')));
}

/** A file name for a block: `README.md` line 42 → `README-L42.ts`. */
export function blockFileName(block: Pick<DocBlock, 'file' | 'line'>, suffix = '.ts'): string {
  return `${block.file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-L${block.line}${suffix}`;
}
