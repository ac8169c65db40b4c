import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const node = process.execPath;

function run(args: string[]): string {
  return execFileSync(node, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'test' } });
}

describe('built package', () => {
  beforeAll(() => {
    // `npm test` on a fresh clone has no dist/ yet; CI builds first.
    if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'testing', 'index.cjs'))) {
      execFileSync(node, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], { cwd: root, stdio: 'ignore' });
    }
  }, 120_000);

  const runtimeExports = [
    'MastraAuthWorkos',
    'mapWorkOSUserToEEUser',
    'WorkOSConfigError',
    'WorkOSAuthError',
    'WorkOSDirectorySync',
    'WorkOSAdminPortal',
    'WorkOSAuditExporter',
  ];

  it('imports as ESM by package name, both entry points', () => {
    const out = run([
      '--input-type=module',
      '-e',
      "import * as m from '@mastra/auth-workos'; import * as t from '@mastra/auth-workos/testing'; console.log(JSON.stringify([Object.keys(m), Object.keys(t)]))",
    ]);
    const [main, testing] = JSON.parse(out) as [string[], string[]];
    expect(main).toEqual(expect.arrayContaining(runtimeExports));
    expect(testing).toEqual(expect.arrayContaining(['startWorkOSEmulator', 'WorkOSEmulator']));
  });

  it('requires as CommonJS by package name, both entry points', () => {
    const out = run([
      '-e',
      "const m = require('@mastra/auth-workos'); const t = require('@mastra/auth-workos/testing'); console.log(JSON.stringify([Object.keys(m), Object.keys(t), typeof m.MastraAuthWorkos]))",
    ]);
    const [main, testing, kind] = JSON.parse(out) as [string[], string[], string];
    expect(main).toEqual(expect.arrayContaining(runtimeExports));
    expect(testing).toEqual(expect.arrayContaining(['startWorkOSEmulator']));
    expect(kind).toBe('function');
  });

  it('ships type declarations for ESM and CJS', () => {
    for (const file of ['index.d.ts', 'index.d.cts', 'testing/index.d.ts', 'testing/index.d.cts']) {
      expect(existsSync(join(root, 'dist', file))).toBe(true);
    }
  });
});
