/**
 * Drop-in proof, at compile time: the upstream-style files next to this test type-check against
 * the freshly built package (its .d.ts, resolved by package name like a user's app would) with
 * zero errors, under a strict user tsconfig.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { builtPackage, type BuiltPackage } from '../support/built-package';

const here = import.meta.dirname;
const root = join(here, '..', '..');
let built: BuiltPackage;

beforeAll(async () => {
  built = await builtPackage();
}, 240_000);

function typeCheck(files: string[]): string {
  const app = join(built.consumer, 'compat-app');
  mkdirSync(app, { recursive: true });
  for (const file of files) copyFileSync(join(here, file), join(app, file));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      files,
    }),
  );
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { encoding: 'utf8' });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

it('upstream-style code compiles against the built package with zero errors', () => {
  const files = readdirSync(here).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  expect(files.length).toBeGreaterThan(0);
  const output = typeCheck(files);
  const errors = output.split('\n').filter((line) => line.includes('error TS'));
  expect(errors, output).toEqual([]);
}, 120_000);
