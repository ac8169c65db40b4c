/**
 * The package as a consumer gets it: built fresh from src/ with the project's tsup config (never a
 * dist/ left over from an earlier build), installed as node_modules/@mastra/auth-workos of a
 * throwaway consumer, then imported and required by name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtPackage } from '../support/built-package';

const node = process.execPath;

/**
 * Names that exist only in the emulator (src/testing): its entry point and its building blocks.
 * esbuild keeps class and function names, so any emulator module pulled into a bundle shows up.
 */
const EMULATOR_MARKERS = [
  'startWorkOSEmulator',
  'WorkOSEmulator',
  'EmulatorApiError',
  'KeyRing',
  'FaultRegistry',
  'DirectoryStore',
  'SessionAuthority',
  'userManagementRoutes',
  'authorizationRoutes',
];
/** The emulator serves HTTP; the provider itself only ever makes requests. */
const HTTP_SERVER_IMPORT = /from ["'](?:node:)?http["']|require\(["'](?:node:)?http["']\)/;

let consumer: string;
let dist: string;

function run(args: string[]): string {
  return execFileSync(node, args, { cwd: consumer, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'test' } });
}

function bundle(file: string): string {
  return readFileSync(join(dist, file), 'utf8');
}

beforeAll(async () => {
  ({ consumer, dist } = await builtPackage());
}, 240_000);

describe('built package', () => {
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
      "import * as m from '@mastra/auth-workos'; import * as t from '@mastra/auth-workos/testing'; console.log(JSON.stringify([Object.keys(m), Object.keys(t), import.meta.resolve('@mastra/auth-workos')]))",
    ]);
    const [main, testing, resolved] = JSON.parse(out) as [string[], string[], string];
    expect(main).toEqual(expect.arrayContaining(runtimeExports));
    expect(main).not.toContain('startWorkOSEmulator');
    expect(testing).toEqual(expect.arrayContaining(['startWorkOSEmulator', 'WorkOSEmulator']));
    // The fresh build, not the repo's own dist/.
    expect(new URL(resolved).pathname).toBe(join(dist, 'index.js'));
  });

  it('requires as CommonJS by package name, both entry points', () => {
    const out = run([
      '-e',
      "const m = require('@mastra/auth-workos'); const t = require('@mastra/auth-workos/testing'); console.log(JSON.stringify([Object.keys(m), Object.keys(t), typeof m.MastraAuthWorkos, require.resolve('@mastra/auth-workos')]))",
    ]);
    const [main, testing, kind, resolved] = JSON.parse(out) as [string[], string[], string, string];
    expect(main).toEqual(expect.arrayContaining(runtimeExports));
    expect(main).not.toContain('startWorkOSEmulator');
    expect(testing).toEqual(expect.arrayContaining(['startWorkOSEmulator']));
    expect(kind).toBe('function');
    expect(resolved).toBe(join(dist, 'index.cjs'));
  });

  it('ships type declarations for ESM and CJS', () => {
    for (const file of ['index.d.ts', 'index.d.cts', 'testing/index.d.ts', 'testing/index.d.cts']) {
      expect(existsSync(join(dist, file)), file).toBe(true);
    }
    expect(bundle('index.d.ts')).toContain('MastraAuthWorkos');
    expect(bundle('testing/index.d.ts')).toContain('startWorkOSEmulator');
  });

  it('the /redis entry loads by name (ESM and CJS), with types, and the main entry does not pull it in', () => {
    const esm = run(['--input-type=module', '-e', "import * as r from '@mastra/auth-workos/redis'; console.log(JSON.stringify(Object.keys(r)))"]);
    const cjs = run(['-e', "console.log(JSON.stringify(Object.keys(require('@mastra/auth-workos/redis'))))"]);
    expect(JSON.parse(esm)).toEqual(['createRedisStore']);
    expect(JSON.parse(cjs)).toEqual(['createRedisStore']);
    for (const file of ['redis/index.d.ts', 'redis/index.d.cts']) expect(bundle(file)).toContain('createRedisStore');
    for (const file of ['redis/index.js', 'redis/index.cjs']) expect(bundle(file)).toContain('RedisSharedStore');
    for (const file of ['index.js', 'index.cjs']) {
      expect(bundle(file)).not.toContain('RedisSharedStore'); // the adapter's class
      expect(bundle(file)).not.toMatch(/["']ioredis["']/);
    }
    // moduleResolution node10 reads typesVersions for the subpath.
    const manifest = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { typesVersions: Record<string, Record<string, string[]>> };
    expect(manifest.typesVersions['*']?.redis).toEqual(['./dist/redis/index.d.ts']);
  });

  it.each(['index.js', 'index.cjs'])('the main entry %s carries no emulator code', (file) => {
    const code = bundle(file);
    expect(code).toContain('MastraAuthWorkos');
    expect(EMULATOR_MARKERS.filter((marker) => code.includes(marker))).toEqual([]);
    expect(code).not.toMatch(HTTP_SERVER_IMPORT);
  });

  it.each(['testing/index.js', 'testing/index.cjs'])('the /testing entry %s carries the whole emulator', (file) => {
    const code = bundle(file);
    expect(EMULATOR_MARKERS.filter((marker) => !code.includes(marker))).toEqual([]);
    expect(code).toMatch(HTTP_SERVER_IMPORT);
  });
});
