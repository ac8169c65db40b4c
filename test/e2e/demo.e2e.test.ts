/** `npm run demo` as a user runs it: a child process whose exit code and report we check. */
import { execFile } from 'node:child_process';
import { delimiter, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(): Promise<DemoRun> {
  return new Promise((done) => {
    execFile(
      resolve(root, 'node_modules/.bin/tsx'),
      ['demo/main.ts'],
      {
        cwd: root,
        // tsx's shebang resolves `node` from PATH: make it the Node running these tests (>= 22).
        env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
        timeout: 90_000,
      },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('npm run demo', () => {
  it('prints the report and exits 0', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runDemo();
    // @mastra/core prints one licence notice when an EE feature (FGA) runs in development.
    const unexpected = stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('[mastra/auth-ee]'));
    expect({ code, unexpected }).toEqual({ code: 0, unexpected: [] });

    const lines = stdout.split('\n');
    const line = (pattern: RegExp) => lines.find((candidate) => pattern.test(candidate));
    expect(line(/✓\s+workos\.userManagement\.authenticateWithCode\s+signed in ada@acme\.test/)).toBeDefined();
    expect(line(/✓\s+MastraClient getAgent\(weatherAgent\)\.generate\s+200\s+".*°C.*Ada Lovelace/)).toBeDefined();
    expect(line(/✓\s+curl POST \/api\/agents\/weatherAgent\/generate\s+200\s+".*°C/)).toBeDefined();
    expect(line(/✓\s+no Authorization header → 401\s+401\s+"Invalid or expired token"/)).toBeDefined();
    expect(line(/✓\s+forged token .*→ 401\s+401\s+"Invalid or expired token"/)).toBeDefined();
    expect(line(/✓\s+member bob@acme\.test → 403\s+403\s+"Access denied"/)).toBeDefined();
    expect(line(/✓\s+admin ada@acme\.test → 200\s+200\s+"/)).toBeDefined();
    expect(line(/✓\s+member bob@acme\.test → weatherAgent → 200\s+200\s+".*Bob Builder/)).toBeDefined();
    expect(line(/✓\s+member bob@acme\.test → vaultAgent → 403\s+403\s+"/)).toBeDefined();
    expect(line(/✓\s+carol@acme\.test \(directory user\) → 200\s+200/)).toBeDefined();
    expect(line(/✓\s+forged dsync\.user\.deleted \(wrong secret\) → 401\s+401/)).toBeDefined();
    expect(line(/✓\s+signed dsync\.user\.deleted → 200\s+200/)).toBeDefined();
    expect(line(/✓\s+carol@acme\.test, same unexpired token → 401\s+401\s+"Invalid or expired token"/)).toBeDefined();
    expect(line(/✓\s+Admin Portal link \(intent dsync\)\s+http:\/\/127\.0\.0\.1:\d+\/portal\/launch/)).toBeDefined();
    expect(line(/✓\s+audit event → WorkOS Audit Logs\s+stored directory\.user\.deprovisioned/)).toBeDefined();
    expect(stdout).not.toContain('✗');
    expect(stdout).toMatch(/Demo OK: all 15 expectations held\./);

    // The report shows statuses and answers, never credentials.
    expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // a JWT
    expect(stdout).not.toContain('sk_test');
  });
});
