/**
 * The package as a consumer gets it: built fresh from src/ with the project's tsup config (never a
 * dist/ left over from an earlier build) and installed as node_modules/@mastra/auth-workos of a
 * throwaway consumer. Built at most once per test run, by whichever test file asks first; the
 * others wait for it (the build takes seconds, mostly the type declarations).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface BuiltPackage {
  /** A folder whose node_modules/@mastra/auth-workos is the fresh build. */
  consumer: string;
  /** The build output (the package's dist/). */
  dist: string;
}

const root = join(import.meta.dirname, '..', '..');

export async function builtPackage(): Promise<BuiltPackage> {
  const scratch = inject('runScratchDir');
  const consumer = join(scratch, 'consumer');
  const installed = join(consumer, 'node_modules', '@mastra', 'auth-workos');
  const dist = join(installed, 'dist');
  const done = join(scratch, 'built.ok');
  const failed = join(scratch, 'built.failed');
  const result = { consumer, dist };
  if (existsSync(done)) return result;
  let builder = true;
  try {
    mkdirSync(join(scratch, 'build.lock')); // atomic: exactly one test file builds
  } catch {
    builder = false;
  }
  if (builder) {
    try {
      mkdirSync(installed, { recursive: true });
      copyFileSync(join(root, 'package.json'), join(installed, 'package.json'));
      execFileSync(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--out-dir', dist], {
        cwd: root,
        stdio: 'ignore',
      });
      writeFileSync(done, '');
    } catch (error) {
      writeFileSync(failed, String(error));
      throw error;
    }
    return result;
  }
  // Another test file is building: wait for it (bounded), polling the marker files.
  for (let waited = 0; waited < 240_000; waited += 100) {
    if (existsSync(done)) return result;
    if (existsSync(failed)) throw new Error('building the package failed in another test file');
    await delay(100);
  }
  throw new Error('timed out waiting for the package build');
}
