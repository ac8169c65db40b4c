/**
 * Once per `vitest run`: a scratch folder under node_modules/.cache (so built bundles resolve the
 * project's own dependencies, as a consumer's would), removed at the end.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Scratch folder of this test run. */
    runScratchDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = join(import.meta.dirname, '..', '..');
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const scratch = mkdtempSync(join(root, 'node_modules', '.cache', 'test-run-'));
  project.provide('runScratchDir', scratch);
  return () => rmSync(scratch, { recursive: true, force: true });
}
