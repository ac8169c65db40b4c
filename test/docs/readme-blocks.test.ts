/**
 * The README and docs/*.md cannot drift from the code: every ```ts / ```typescript block is
 * type-checked as its own module against the freshly built package (resolved by name, strict user
 * tsconfig: moduleResolution bundler, module ESNext, types node), and the blocks marked `run=…`
 * are executed against the WorkOS emulator (docs/contributing.md):
 *
 * - `run=vitest`: the block is a vitest test file; a child `vitest run` runs all of them as written.
 * - `run=script`: the block is imported (top-level code runs; it must not throw).
 * - `run=<id>`: the block is imported with the emulator's environment, and CHECKS[<id>] exercises
 *   what it exports (usually serving its `mastra` on loopback and sending requests).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MastraClient } from '@mastra/client-js';
import type { Mastra } from '@mastra/core/mastra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MastraAuthWorkos, MastraFGAWorkos, MastraRBACWorkos, WorkOSUser } from '../../src';
import { startMastraServer, startWorkOSEmulator, type EmulatorOrganization, type EmulatorUser, type RunningMastraServer, type WorkOSEmulator } from '../../src/testing';
import { builtPackage } from '../support/built-package';
import { redisServerInstalled, startRedisServer, type RunningRedis } from '../helpers/redis-server';
import { allBlocks, blockFileName, extractBlocks, root, type DocBlock } from './blocks';

const blocks = allBlocks();
let dir: string;

interface CheckContext {
  emu: WorkOSEmulator;
  org: EmulatorOrganization;
  admin: EmulatorUser;
  member: EmulatorUser;
  /** An access token as AuthKit issues it after sign-in (role and permissions of the membership). */
  signIn(user: EmulatorUser, organizationId?: string): Promise<string>;
  serve(mastra: Mastra): Promise<RunningMastraServer>;
  get(server: RunningMastraServer, path: string, token?: string): Promise<{ status: number; body: unknown }>;
}

interface Check {
  /** Extra environment for the block (on top of the emulator's `env()`). */
  env?: (ctx: CheckContext) => Record<string, string>;
  /** Seeding that must happen before the block is imported. */
  before?: (ctx: CheckContext) => void | Promise<void>;
  run(module: Record<string, unknown>, ctx: CheckContext): Promise<void>;
}

const serverOf = (mastra: unknown) => (mastra as Mastra).getServer();

const CHECKS: Record<string, Check> = {
  'basic-usage': {
    async run({ mastra }, ctx) {
      const auth = serverOf(mastra)?.auth as MastraAuthWorkos;
      // The condition of Mastra's startup warning: a function here silences it.
      expect(typeof auth.mapUserToResourceId).toBe('function');
      const user = await auth.authenticateToken(await ctx.signIn(ctx.admin));
      expect(auth.mapUserToResourceId?.(user!)).toBe(ctx.admin.id);
      const server = await ctx.serve(mastra as Mastra);
      const listed = await ctx.get(server, '/api/agents', await ctx.signIn(ctx.member));
      expect(listed.status).toBe(200);
      expect(Object.keys(listed.body as object)).toContain('weatherAgent');
      expect(await ctx.get(server, '/api/agents')).toEqual({ status: 401, body: { error: 'Invalid or expired token' } });
    },
  },
  'custom-configuration': {
    async run({ mastra }, ctx) {
      const server = await ctx.serve(mastra as Mastra);
      expect((await ctx.get(server, '/api/agents', await ctx.signIn(ctx.member))).status).toBe(200);
      expect((await ctx.get(server, '/api/agents', 'not-a-token')).status).toBe(401);
    },
  },
  memberships: {
    async run({ withMemberships, serviceTokens }, ctx) {
      const user = await (withMemberships as MastraAuthWorkos).authenticateToken(await ctx.signIn(ctx.member));
      expect(user?.memberships).toHaveLength(1);
      expect(user?.organizationMembershipId).toMatch(/^om_/);
      const service = await (serviceTokens as MastraAuthWorkos).authenticateToken(
        await ctx.emu.mintAccessToken({ sub: 'svc_nightly', org_id: ctx.org.id, 'urn:mastra:organization_membership_id': 'om_svc' }),
      );
      expect(service).toMatchObject({ id: 'svc_nightly', organizationId: ctx.org.id, organizationMembershipId: 'om_svc' });
    },
  },
  'admin-only': {
    async run({ mastra }, ctx) {
      const server = await ctx.serve(mastra as Mastra);
      expect((await ctx.get(server, '/api/agents', await ctx.signIn(ctx.admin))).status).toBe(200);
      expect(await ctx.get(server, '/api/agents', await ctx.signIn(ctx.member))).toEqual({ status: 403, body: { error: 'Access denied' } });
    },
  },
  'authorize-user': {
    env: (ctx) => ({ ALLOWED_ORGANIZATION_ID: ctx.org.id }),
    async run({ auth }, ctx) {
      const provider = auth as MastraAuthWorkos;
      const member = await provider.authenticateToken(await ctx.signIn(ctx.member));
      expect(await provider.authorizeUser(member!, new Request('http://127.0.0.1/'))).toBe(true);
      const outsider = ctx.emu.createUser({ email: `eve-${Date.now()}@elsewhere.test` });
      const eve = await provider.authenticateToken(await ctx.emu.mintAccessToken({ sub: outsider.id }));
      expect(eve?.id).toBe(outsider.id);
      expect(await provider.authorizeUser(eve!, new Request('http://127.0.0.1/'))).toBe(false);
    },
  },
  whoami: {
    async run({ mastra }, ctx) {
      const server = await ctx.serve(mastra as Mastra);
      const client = new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${await ctx.signIn(ctx.admin)}` } });
      expect(await client.getTool('whoami').execute({ data: {} })).toEqual({ email: ctx.admin.email, organizationId: ctx.org.id, role: 'admin' });
      const auth = serverOf(mastra)?.auth as MastraAuthWorkos;
      const user = await auth.authenticateToken(await ctx.signIn(ctx.admin));
      expect(auth.mapUserToResourceId?.(user!)).toBe(`${ctx.org.id}:${ctx.admin.id}`);
    },
  },
  'public-routes': {
    async run({ mastra }, ctx) {
      const server = await ctx.serve(mastra as Mastra);
      expect(await ctx.get(server, '/health')).toEqual({ status: 200, body: { ok: true } });
      expect((await ctx.get(server, '/api/agents')).status).toBe(401);
    },
  },
  rbac: {
    async run({ mastra }, ctx) {
      const server = await ctx.serve(mastra as Mastra);
      const admin = await ctx.signIn(ctx.admin);
      const member = await ctx.signIn(ctx.member);
      expect((await ctx.get(server, '/api/tools', admin)).status).toBe(200);
      expect((await ctx.get(server, '/api/agents', member)).status).toBe(200); // agents:read
      expect((await ctx.get(server, '/api/tools', member)).status).toBe(403); // no tools:read
    },
  },
  fga: {
    async before(ctx) {
      ctx.emu.defineRole({ slug: 'team-agent-user', permissions: ['agents:read', 'agents:execute'] });
      const team = ctx.emu.createResource({ organizationId: ctx.org.id, resourceTypeSlug: 'team', externalId: 'platform' });
      const weather = ctx.emu.createResource({ organizationId: ctx.org.id, resourceTypeSlug: 'agent', externalId: 'weatherAgent', parentResourceId: team.id });
      ctx.emu.createResource({ organizationId: ctx.org.id, resourceTypeSlug: 'agent', externalId: 'vaultAgent', parentResourceId: team.id });
      const memberships = await ctx.emu.createWorkOSClient().userManagement.listOrganizationMemberships({ userId: ctx.member.id });
      ctx.emu.assignRole({ organizationMembershipId: memberships.data[0]!.id, roleSlug: 'team-agent-user', resourceId: weather.id });
    },
    async run({ mastra }, ctx) {
      const server = await ctx.serve(mastra as Mastra);
      const token = await ctx.signIn(ctx.member);
      expect((await ctx.get(server, '/api/agents/weatherAgent', token)).status).toBe(200);
      expect((await ctx.get(server, '/api/agents/vaultAgent', token)).status).toBe(403);
      const listed = await ctx.get(server, '/api/agents', token);
      expect(Object.keys(listed.body as object)).toEqual(['weatherAgent']);
    },
  },
  'register-resource': {
    before(ctx) {
      ctx.emu.defineRole({ slug: 'owner', permissions: ['agents:read', 'agents:execute'], resourceTypeSlug: 'agent' });
    },
    async run({ fga, onAgentCreated }, ctx) {
      const registro = ctx.emu.createOrganization({ name: 'Registro' });
      const creator = ctx.emu.createUser({ email: 'cleo@registro.test' });
      ctx.emu.createMembership({ userId: creator.id, organizationId: registro.id, role: 'member' });
      const team = ctx.emu.createResource({ organizationId: registro.id, resourceTypeSlug: 'team', externalId: 'platform' });
      const { MastraAuthWorkos } = await import(pathToFileURL(join(dir, 'node_modules', '@mastra', 'auth-workos', 'dist', 'index.js')).href);
      const user = (await new MastraAuthWorkos({ ...ctx.emu.connection, fetchMemberships: true }).authenticateToken(
        await ctx.emu.mintAccessToken({ sub: creator.id, org_id: registro.id }),
      )) as WorkOSUser;
      const result = await (onAgentCreated as (user: WorkOSUser, id: string, name: string) => Promise<{ resource: unknown; ownerAssignment: unknown } | null>)(
        user,
        'helperAgent',
        'Helper',
      );
      expect(result?.resource).toMatchObject({ externalId: 'helperAgent', organizationId: registro.id, parentResourceId: team.id });
      expect(result?.ownerAssignment).toMatchObject({ role: { slug: 'owner' } });
      const provider = fga as MastraFGAWorkos;
      expect(await provider.check(user, { resource: { type: 'agent', id: 'helperAgent' }, permission: 'agents:execute' })).toBe(true);
      expect(provider.ownership).toEqual({ enabled: true, ownerRole: 'owner', fallbackRoles: ['admin', 'editor'] });
    },
  },
  'directory-sync': {
    env: () => ({ WORKOS_WEBHOOK_SECRET: 'whsec_docs' }),
    async run({ mastra }, ctx) {
      ctx.emu.setWebhookSecret('whsec_docs');
      const server = await ctx.serve(mastra as Mastra);
      const dana = ctx.emu.createUser({ email: 'dana@acme.test' });
      ctx.emu.createMembership({ userId: dana.id, organizationId: ctx.org.id, role: 'member' });
      const directory = ctx.emu.createDirectory({ organizationId: ctx.org.id, name: 'Acme Okta' });
      const inDirectory = ctx.emu.createDirectoryUser({ directoryId: directory.id, email: dana.email, firstName: 'Dana' });
      const token = await ctx.signIn(dana);
      expect((await ctx.get(server, '/api/agents', token)).status).toBe(200);
      const url = `${server.baseUrl}/webhooks/workos`;
      const forged = ctx.emu.directoryEventData('dsync.user.deleted', { user: inDirectory });
      expect((await ctx.emu.sendWebhook(url, 'dsync.user.deleted', forged, { secret: 'whsec_forged' }))[0]?.status).toBe(401);
      expect((await ctx.get(server, '/api/agents', token)).status).toBe(200);
      const gone = ctx.emu.deleteDirectoryUser(inDirectory.id);
      const [delivery] = await ctx.emu.sendWebhook(url, 'dsync.user.deleted', ctx.emu.directoryEventData('dsync.user.deleted', { user: gone }));
      expect(delivery?.status).toBe(200);
      expect((await ctx.get(server, '/api/agents', token)).status).toBe(401); // the same, still unexpired token
    },
  },
  fleet: {
    env: () => ({ REDIS_URL: redis!.url }),
    async run({ mastra, store, redis: client }, ctx) {
      try {
        const auth = serverOf(mastra)?.auth as MastraAuthWorkos;
        const user = await auth.authenticateToken(await ctx.signIn(ctx.member));
        expect(user?.id).toBe(ctx.member.id);
        const rbac = serverOf(mastra)?.rbac as MastraRBACWorkos;
        expect(await rbac.getPermissions(user!)).toEqual(['agents:read']);
      } finally {
        await (store as { close(): Promise<void> }).close();
        (client as { disconnect(): void }).disconnect();
      }
    },
  },
};

let emu: WorkOSEmulator;
let redis: RunningRedis | undefined;
let ctx: CheckContext;
const servers: RunningMastraServer[] = [];

beforeAll(async () => {
  const built = await builtPackage();
  // Outside node_modules (so vitest transforms the blocks) with its own package scope (so the
  // package name resolves to the fresh build, not to this repository by self-reference).
  dir = mkdtempSync(join(root, '.docs-blocks-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-blocks', private: true, type: 'module' }));
  mkdirSync(join(dir, 'node_modules', '@mastra'), { recursive: true });
  symlinkSync(join(built.consumer, 'node_modules', '@mastra', 'auth-workos'), join(dir, 'node_modules', '@mastra', 'auth-workos'), 'dir');

  emu = await startWorkOSEmulator();
  const org = emu.createOrganization({ name: 'Acme' });
  const admin = emu.createUser({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
  const member = emu.createUser({ email: 'bob@acme.test', firstName: 'Bob' });
  emu.createMembership({ userId: admin.id, organizationId: org.id, role: 'admin' });
  emu.createMembership({ userId: member.id, organizationId: org.id, role: 'member' });
  const workos = emu.createWorkOSClient();
  ctx = {
    emu,
    org,
    admin,
    member,
    async signIn(user, organizationId = org.id) {
      const code = emu.issueAuthorizationCode({ userId: user.id, organizationId });
      return (await workos.userManagement.authenticateWithCode({ code, clientId: emu.clientId })).accessToken;
    },
    async serve(mastra) {
      const server = await startMastraServer(mastra);
      servers.push(server);
      return server;
    },
    async get(server, path, token) {
      const response = await fetch(server.baseUrl + path, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
  };
  if (blocks.some((block) => block.run === 'fleet') && redisServerInstalled()) redis = await startRedisServer();
}, 240_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await emu?.stop();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const where = (block: Pick<DocBlock, 'file' | 'line'>) => `${block.file}:${block.line}`;

interface TypeCheckResult {
  /** `file:line: error TSxxxx: message`, located in the Markdown source. */
  errors: string[];
  /** Output lines tsc printed that could not be mapped to a block (always a failure). */
  unmapped: string[];
}

/** Type-checks the blocks, each its own file, in one tsc run; errors are mapped back to Markdown lines. */
function typeCheck(checked: DocBlock[], folder: string): TypeCheckResult {
  const app = join(dir, folder);
  mkdirSync(app, { recursive: true });
  const byName = new Map(checked.map((block) => [blockFileName(block), block]));
  for (const [name, block] of byName) writeFileSync(join(app, name), block.code);
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
      files: [...byName.keys()],
    }),
  );
  let output = '';
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app, '--pretty', 'false'], { encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  const errors: string[] = [];
  const unmapped: string[] = [];
  for (const line of output.split('\n').filter((text) => text.trim() !== '')) {
    const match = /^(.+?\.ts)\((\d+),(\d+)\): (error TS\d+: .*)$/.exec(line);
    const block = match ? byName.get(basename(match[1]!)) : undefined;
    if (match && block) errors.push(`${block.file}:${block.line + Number(match[2]) - 1}: ${match[4]}`);
    else if (!line.startsWith(' ')) unmapped.push(line);
  }
  return { errors, unmapped };
}

describe('TypeScript blocks of the README and docs/', () => {
  it('are found, and every block is either type-checked or marked `// fragment`', () => {
    const fragments = blocks.filter((block) => block.fragment);
    const runnable = blocks.filter((block) => block.run !== undefined);
    console.info(
      `docs blocks: ${blocks.length} TypeScript blocks, ${blocks.length - fragments.length} type-checked, ` +
        `${runnable.length} run, ${fragments.length} fragment(s)${fragments.length ? `: ${fragments.map(where).join(', ')}` : ''}`,
    );
    expect(blocks.filter((block) => block.file === 'README.md').length).toBeGreaterThanOrEqual(10);
    // Fragments are for deliberate partials only; a runnable fragment makes no sense.
    expect(fragments.filter((block) => block.run !== undefined).map(where)).toEqual([]);
    expect(fragments.length).toBeLessThanOrEqual(2);
  });

  it('type-check with zero errors against the built package (strict, bundler, ESNext, types node)', () => {
    const canary: DocBlock = extractBlocks('canary.md', "# canary\n\n```ts\nimport { MastraAuthWorkos } from '@mastra/auth-workos';\nconst wrong: number = new MastraAuthWorkos().getClientId();\n```\n")[0]!;
    const result = typeCheck([...blocks.filter((block) => !block.fragment), canary], 'typecheck');
    // The canary proves errors are seen and located: its line 2 is canary.md:5.
    expect(result.errors.filter((error) => error.startsWith('canary.md:'))).toEqual([expect.stringMatching(/^canary\.md:5: error TS2322/)]);
    const real = result.errors.filter((error) => !error.startsWith('canary.md:'));
    expect(real, `README/docs blocks that do not compile:\n${real.join('\n')}`).toEqual([]);
    expect(result.unmapped).toEqual([]);
  }, 180_000);

  it('every run=<id> names a check, and every check has its block', () => {
    const ids = blocks.map((block) => block.run).filter((run): run is string => run !== undefined && run !== 'vitest' && run !== 'script');
    expect(ids.filter((id) => !(id in CHECKS)).map((id) => `run=${id}: no check in readme-blocks.test.ts`)).toEqual([]);
    expect(Object.keys(CHECKS).filter((id) => !ids.includes(id)).map((id) => `check ${id}: no block says run=${id}`)).toEqual([]);
    expect(new Set(ids).size, 'each run=<id> is used once').toBe(ids.length);
  });

  for (const block of blocks.filter((candidate) => candidate.run !== undefined && candidate.run !== 'vitest')) {
    const run = block.run!;
    it.skipIf(run === 'fleet' && !redisServerInstalled() && !process.env.CI)(`${where(block)} runs as written (run=${run})`, async () => {
      const check = run === 'script' ? undefined : CHECKS[run];
      if (run !== 'script' && !check) throw new Error(`${where(block)}: no check for run=${run}`);
      const file = join(dir, 'run', blockFileName(block));
      mkdirSync(join(dir, 'run'), { recursive: true });
      writeFileSync(file, block.code);
      const saved = { ...process.env };
      try {
        if (check) {
          await check.before?.(ctx);
          Object.assign(process.env, emu.env(), check.env?.(ctx) ?? {});
        }
        const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        await check?.run(module, ctx);
      } finally {
        process.env = saved;
      }
    }, 60_000);
  }

  it('the run=vitest blocks (the test kit example among them) pass as written in their own vitest run', () => {
    const tests = blocks.filter((block) => block.run === 'vitest');
    expect(tests.map(where)).toContain(where(tests.find((block) => block.file === 'README.md')!));
    const folder = join(dir, 'vitest');
    mkdirSync(folder, { recursive: true });
    for (const block of tests) writeFileSync(join(folder, blockFileName(block, '.test.ts')), block.code);
    // Its own config, or vitest would find this repository's (include: test/**).
    writeFileSync(join(folder, 'vitest.config.mjs'), "export default { test: { include: ['*.test.ts'], testTimeout: 30000 } };\n");
    const report = join(dir, 'vitest-report.json');
    const child = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', folder, '--config', join(folder, 'vitest.config.mjs'), '--reporter=json', `--outputFile=${report}`],
      { cwd: folder, encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '' }, timeout: 120_000 },
    );
    const output = `${child.stdout}\n${child.stderr}`;
    expect(child.status, output).toBe(0);
    const result = JSON.parse(readFileSync(report, 'utf8')) as {
      numFailedTests: number;
      numPassedTests: number;
      testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
    };
    expect(result.numFailedTests, output).toBe(0);
    for (const block of tests) {
      const file = result.testResults.find((entry) => entry.name.endsWith(blockFileName(block, '.test.ts')));
      expect(file?.status, `${where(block)} did not pass\n${output}`).toBe('passed');
      expect(file!.assertionResults.length).toBeGreaterThan(0);
      expect(file!.assertionResults.every((assertion) => assertion.status === 'passed')).toBe(true);
    }
  }, 150_000);
});
