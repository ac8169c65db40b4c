/**
 * Every code block of the README's usage sections, run as written against a real Mastra server
 * and the WorkOS emulator. Where the README reads `@mastra/auth-workos`, this file imports
 * `../../src` (the package is not built in development). Only deviations: the WorkOS base URL
 * comes from the emulator (`WORKOS_API_HOSTNAME`/`_PORT`/`_HTTPS`, or `emu.createWorkOSClient()`
 * for the client-side SDK) and `logger: false` keeps test output quiet.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { MastraClient } from '@mastra/client-js';
import { Mastra } from '@mastra/core/mastra';
import { MASTRA_RESOURCE_ID_KEY } from '@mastra/core/request-context';
import { registerApiRoute } from '@mastra/core/server';
import { createTool } from '@mastra/core/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MastraAuthWorkos, MastraFGAWorkos, MastraRBACWorkos, type WorkOSUser } from '../../src';
import { startWorkOSEmulator, type EmulatorOrganization, type EmulatorUser, type WorkOSEmulator } from '../../src/testing';
import { requestJson } from '../helpers/http';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';
import { createMockAgent } from '../helpers/mock-agent';

const ENV_KEYS = ['WORKOS_API_KEY', 'WORKOS_CLIENT_ID', 'WORKOS_API_HOSTNAME', 'WORKOS_API_PORT', 'WORKOS_API_HTTPS'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
const GENERATE = '/api/agents/weatherAgent/generate';

let emu: WorkOSEmulator;
let org: EmulatorOrganization;
let admin: EmulatorUser;
let member: EmulatorUser;
const servers: RunningMastraServer[] = [];

const weatherAgent = createMockAgent({
  id: 'weatherAgent',
  reply: (requestContext) => `Sunny, ${(requestContext.get('user') as WorkOSUser | undefined)?.name ?? 'stranger'}.`,
});

async function serve(mastra: Mastra): Promise<RunningMastraServer> {
  const server = await startMastraServer(mastra);
  servers.push(server);
  return server;
}

/** Points WorkOS clients built from the environment at the emulator, as a deployment's env would. */
function useEmulatorEnv(): void {
  Object.assign(process.env, emu.env());
}

async function signIn(user: EmulatorUser): Promise<string> {
  const code = emu.issueAuthorizationCode({ userId: user.id, organizationId: org.id });
  return (await emu.createWorkOSClient().userManagement.authenticateWithCode({ code, clientId: emu.clientId })).accessToken;
}

async function generateAs(server: RunningMastraServer, token: string) {
  return requestJson<{ text?: string; error?: string }>(server.baseUrl + GENERATE, { token, body: { messages: 'Weather in London' } });
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  org = emu.createOrganization({ name: 'Acme' });
  admin = emu.createUser({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
  member = emu.createUser({ email: 'bob@acme.test', firstName: 'Bob' });
  emu.createMembership({ userId: admin.id, organizationId: org.id, role: 'admin' });
  emu.createMembership({ userId: member.id, organizationId: org.id, role: 'member' });
});

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await emu?.stop();
});

describe('README: basic usage with environment variables', () => {
  it('new MastraAuthWorkos() reads WORKOS_API_KEY / WORKOS_CLIENT_ID and protects the agents', async () => {
    useEmulatorEnv();

    // --- README block ---
    const mastra = new Mastra({
      agents: { weatherAgent },
      server: {
        auth: new MastraAuthWorkos(),
      },
      logger: false,
    });
    // --- end ---

    const server = await serve(mastra);
    expect(await generateAs(server, await signIn(admin))).toEqual({ status: 200, body: expect.objectContaining({ text: 'Sunny, Ada Lovelace.' }) });
    expect((await requestJson(server.baseUrl + GENERATE, { body: { messages: 'Weather in London' } })).status).toBe(401);
  });

  it('without them, construction fails naming both the option and the variable', () => {
    for (const key of ENV_KEYS) delete process.env[key];
    expect(() => new MastraAuthWorkos()).toThrow(/apiKey[\s\S]*WORKOS_API_KEY|WORKOS_API_KEY[\s\S]*apiKey/);
    Object.assign(process.env, { WORKOS_API_KEY: emu.apiKey });
    expect(() => new MastraAuthWorkos()).toThrow(/clientId[\s\S]*WORKOS_CLIENT_ID|WORKOS_CLIENT_ID[\s\S]*clientId/);
  });
});

describe('README: custom configuration', () => {
  it('explicit apiKey / clientId', async () => {
    useEmulatorEnv();

    // --- README block ---
    const mastra = new Mastra({
      agents: { weatherAgent },
      server: {
        auth: new MastraAuthWorkos({
          apiKey: process.env.WORKOS_API_KEY,
          clientId: process.env.WORKOS_CLIENT_ID,
        }),
      },
      logger: false,
    });
    // --- end ---

    const server = await serve(mastra);
    expect((await generateAs(server, await signIn(member))).status).toBe(200);
  });

  it('options win over the environment', async () => {
    useEmulatorEnv();
    process.env.WORKOS_API_KEY = 'sk_test_wrong';
    process.env.WORKOS_CLIENT_ID = 'client_wrong';
    const auth = new MastraAuthWorkos({ apiKey: emu.apiKey, clientId: emu.clientId });
    expect(auth.getClientId()).toBe(emu.clientId);
    const server = await serve(new Mastra({ agents: { weatherAgent }, server: { auth }, logger: false }));
    expect((await generateAs(server, await signIn(member))).status).toBe(200);
  });
});

describe('README: custom authorization', () => {
  it('AdminOnlyWorkosAuth admits admins (403 for members)', async () => {
    useEmulatorEnv();

    // --- README block ---
    class AdminOnlyWorkosAuth extends MastraAuthWorkos {
      async authorizeUser(user: WorkOSUser) {
        return user?.metadata?.role === 'admin';
      }
    }

    const mastra = new Mastra({
      agents: { weatherAgent },
      server: {
        auth: new AdminOnlyWorkosAuth(),
      },
      logger: false,
    });
    // --- end ---

    const server = await serve(mastra);
    expect((await generateAs(server, await signIn(admin))).status).toBe(200);
    expect(await generateAs(server, await signIn(member))).toEqual({ status: 403, body: { error: 'Access denied' } });
  });

  it('the authorizeUser option, without a subclass', async () => {
    useEmulatorEnv();
    const ALLOWED_ORGANIZATION_ID = org.id;

    // --- README block ---
    const auth = new MastraAuthWorkos({
      fetchMemberships: true,
      authorizeUser: (user) => user.organizationId === ALLOWED_ORGANIZATION_ID,
    });
    // --- end ---

    const server = await serve(new Mastra({ agents: { weatherAgent }, server: { auth }, logger: false }));
    const outsider = emu.createUser({ email: 'eve@elsewhere.test' });
    expect((await generateAs(server, await signIn(member))).status).toBe(200);
    expect((await generateAs(server, await emu.mintAccessToken({ sub: outsider.id }))).status).toBe(403);
  });
});

describe('README: the signed-in user in agents and tools', () => {
  it('tools and instructions read it from the request context; mapUserToResourceId sets the resource id', async () => {
    useEmulatorEnv();
    let instructionsSaw = '';

    // --- README block ---
    const whoami = createTool({
      id: 'whoami',
      description: 'Tells who is calling',
      inputSchema: z.object({}),
      execute: async (_input, context) => {
        const user = context?.requestContext?.get('user') as WorkOSUser | undefined;
        return { email: user?.email, organizationId: user?.organizationId, role: user?.metadata?.role };
      },
    });

    const auth = new MastraAuthWorkos({
      fetchMemberships: true,
      // Mastra memory's resource id for this user (request context key `mastra__resourceId`).
      mapUserToResourceId: (user) => `${user.organizationId}:${user.id}`,
    });
    // --- end ---

    const assistant = createMockAgent({
      id: 'assistant',
      reply: 'ok',
      onInstructions: (requestContext) => {
        const user = requestContext.get('user') as WorkOSUser;
        instructionsSaw = `${user.name} ${String(requestContext.get(MASTRA_RESOURCE_ID_KEY))}`;
      },
    });
    const server = await serve(new Mastra({ agents: { assistant }, tools: { whoami }, server: { auth }, logger: false }));
    const token = await signIn(admin);
    const client = new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${token}` } });

    expect(await client.getTool('whoami').execute({ data: {} })).toEqual({ email: 'ada@acme.test', organizationId: org.id, role: 'admin' });
    await client.getAgent('assistant').generate('hello');
    expect(instructionsSaw).toBe(`Ada Lovelace ${org.id}:${admin.id}`);
  });
});

describe('README: public routes', () => {
  it('custom routes listed in `public` need no token; the rest of the app still does', async () => {
    useEmulatorEnv();

    // --- README block ---
    const mastra = new Mastra({
      agents: { weatherAgent },
      server: {
        auth: new MastraAuthWorkos({ public: ['/health'] }),
        apiRoutes: [registerApiRoute('/health', { method: 'GET', handler: async (c) => c.json({ ok: true }) })],
      },
      logger: false,
    });
    // --- end ---

    const server = await serve(mastra);
    expect(await requestJson(server.baseUrl + '/health')).toEqual({ status: 200, body: { ok: true } });
    expect((await requestJson(server.baseUrl + '/api/agents')).status).toBe(401);
  });
});

describe('README: client-side setup', () => {
  let server: RunningMastraServer;
  beforeAll(async () => {
    server = await serve(new Mastra({ agents: { weatherAgent }, server: { auth: new MastraAuthWorkos({ ...emu.connection }) }, logger: false }));
  });

  it('authenticateWithCode → MastraClient → generate', async () => {
    const code = emu.issueAuthorizationCode({ userId: admin.id, organizationId: org.id });
    const baseUrl = server.baseUrl;
    process.env.WORKOS_CLIENT_ID = emu.clientId;
    // README: `const workos = new WorkOS(process.env.WORKOS_API_KEY);` (the SDK's host is the emulator here)
    const workos = emu.createWorkOSClient();

    // --- README block (after the WorkOS client) ---
    const { accessToken } = await workos.userManagement.authenticateWithCode({
      code,
      clientId: process.env.WORKOS_CLIENT_ID!,
    });

    const client = new MastraClient({
      baseUrl,
      headers: { Authorization: `Bearer ${accessToken}` },
    });

    const weatherAgent = client.getAgent('weatherAgent');
    const response = await weatherAgent.generate("What's the weather like in Nairobi");
    // --- end ---

    expect(response.text).toBe('Sunny, Ada Lovelace.');
  });

  const curl = ['/usr/bin/curl', '/bin/curl', '/usr/local/bin/curl'].find((path) => existsSync(path));

  it.skipIf(curl === undefined)('the curl command, run with the real curl', async () => {
    const accessToken = await signIn(member);
    // --- README block (shell) ---
    const { stdout } = await promisify(execFile)(curl!, [
      '-sS', // README: plain `curl -X POST ...`; -sS -w only make the output checkable
      '-w', '\n%{http_code}',
      '-X', 'POST', `${server.baseUrl}/api/agents/weatherAgent/generate`,
      '-H', 'Content-Type: application/json',
      '-H', `Authorization: Bearer ${accessToken}`,
      '-d', '{"messages": "Weather in London"}',
    ]);
    // --- end ---
    const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
    expect(status).toBe('200');
    expect(JSON.parse(body)).toMatchObject({ text: 'Sunny, Bob.' });
  });
});

describe('README: testing offline with the WorkOS emulator', () => {
  it('seed, mint, call, stop', async () => {
    // --- README block ---
    const emu = await startWorkOSEmulator();
    const org = emu.createOrganization({ name: 'Acme' });
    const user = emu.createUser({ email: 'ada@acme.test', firstName: 'Ada' });
    emu.createMembership({ userId: user.id, organizationId: org.id, role: 'admin' });

    const auth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true });
    const token = await emu.mintAccessToken({ sub: user.id, org_id: org.id });
    // ... start your Mastra app with `server: { auth }` and call it with `Authorization: Bearer ${token}` ...
    // --- end ---

    try {
      const server = await serve(new Mastra({ agents: { weatherAgent }, server: { auth }, logger: false }));
      expect(await generateAs(server, token)).toEqual({ status: 200, body: expect.objectContaining({ text: 'Sunny, Ada.' }) });
      expect(await generateAs(server, await emu.mintAccessToken({ sub: user.id, expiresIn: -60 }))).toMatchObject({ status: 401 });
    } finally {
      // README block continues:
      await emu.stop();
    }
  });
});

describe('README: organization memberships and service tokens', () => {
  it('fetchMemberships and trustJwtClaims with the seed claims', async () => {
    useEmulatorEnv();

    // --- README block ---
    // memberships + the membership id of the token's organization on every user
    const withMemberships = new MastraAuthWorkos({ fetchMemberships: true });

    // machine-to-machine tokens whose subject is not a WorkOS user
    const serviceTokens = new MastraAuthWorkos({
      trustJwtClaims: true,
      jwtClaims: {
        organizationId: 'org_id',
        organizationMembershipId: 'urn:mastra:organization_membership_id',
      },
    });
    // --- end ---

    const user = await withMemberships.authenticateToken(await signIn(member), new Request('http://127.0.0.1/'));
    expect(user?.memberships).toHaveLength(1);
    expect(user?.organizationMembershipId).toMatch(/^om_/);
    const service = await serviceTokens.authenticateToken(
      await emu.mintAccessToken({ sub: 'svc_nightly', org_id: org.id, 'urn:mastra:organization_membership_id': 'om_svc' }),
      new Request('http://127.0.0.1/'),
    );
    expect(service).toMatchObject({ id: 'svc_nightly', organizationId: org.id, organizationMembershipId: 'om_svc' });
  });
});

describe('README: RBAC', () => {
  it('the upstream role mapping: admin everything, member agents:read only', async () => {
    useEmulatorEnv();

    // --- README block ---
    const mastra = new Mastra({
      agents: { weatherAgent },
      server: {
        auth: new MastraAuthWorkos(),
        rbac: new MastraRBACWorkos({
          roleMapping: {
            admin: ['*'], // everything
            member: ['agents:read', 'workflows:*'], // list/read agents; read and run workflows
            _default: [], // any other role: nothing
          },
        }),
      },
      logger: false,
    });
    // --- end ---

    const server = await serve(mastra);
    const adminToken = await signIn(admin);
    const memberToken = await signIn(member);
    expect((await generateAs(server, adminToken)).status).toBe(200);
    expect((await generateAs(server, memberToken)).status).toBe(403);
    expect((await requestJson(`${server.baseUrl}/api/agents`, { token: memberToken })).status).toBe(200);
  });
});

describe('README: FGA', () => {
  it('agents under a team resource: allowed on one agent, denied on another', async () => {
    useEmulatorEnv();
    emu.defineRole({ slug: 'team-agent-user', permissions: ['agents:read', 'agents:execute'] });
    const team = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'team', externalId: 'platform' });
    const weather = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'agent', externalId: 'weatherAgent', parentResourceId: team.id });
    emu.createResource({ organizationId: org.id, resourceTypeSlug: 'agent', externalId: 'vaultAgent', parentResourceId: team.id });
    const memberships = await emu.createWorkOSClient().userManagement.listOrganizationMemberships({ userId: member.id });
    const membershipId = memberships.data[0]!.id;
    emu.assignRole({ organizationMembershipId: membershipId, roleSlug: 'team-agent-user', resourceId: weather.id });
    const vaultAgent = createMockAgent({ id: 'vaultAgent', reply: () => 'The archive is open.' });

    // --- README block ---
    const mastra = new Mastra({
      agents: { weatherAgent, vaultAgent },
      server: {
        auth: new MastraAuthWorkos({ fetchMemberships: true }),
        fga: new MastraFGAWorkos({
          // Mastra permission → WorkOS permission slug (identity when absent)
          permissionMapping: { 'agents:execute': 'agents:execute', 'agents:read': 'agents:read' },
          // Mastra resource type → WorkOS resource type; agents live under a "team" resource
          resourceMapping: {
            agent: { fgaResourceType: 'agent', parentFgaResourceType: 'team', deriveParentId: () => 'platform' },
          },
        }),
      },
      logger: false,
    });
    // --- end ---

    const server = await serve(mastra);
    const token = await signIn(member);
    expect((await generateAs(server, token)).status).toBe(200);
    const vault = await requestJson(`${server.baseUrl}/api/agents/vaultAgent/generate`, { token, body: { messages: 'Open it' } });
    expect(vault.status).toBe(403);
    const listed = await requestJson<Record<string, unknown>>(`${server.baseUrl}/api/agents`, { token });
    expect(Object.keys(listed.body ?? {})).toEqual(['weatherAgent']);
  });
});

describe('README: FGA registering resources and ownership', () => {
  it('registers an agent under its team and makes the creator its owner', async () => {
    useEmulatorEnv();
    const registro = emu.createOrganization({ name: 'Registro' });
    const creator = emu.createUser({ email: 'cleo@registro.test' });
    emu.createMembership({ userId: creator.id, organizationId: registro.id, role: 'member' });
    emu.defineRole({ slug: 'owner', permissions: ['agents:read', 'agents:execute'], resourceTypeSlug: 'agent' });
    const team = emu.createResource({ organizationId: registro.id, resourceTypeSlug: 'team', externalId: 'platform' });
    const auth = new MastraAuthWorkos({ fetchMemberships: true });
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: creator.id, org_id: registro.id }));
    if (!user) throw new Error('the emulator token was rejected');

    // --- README block ---
    const fga = new MastraFGAWorkos({
      resourceMapping: {
        agent: { fgaResourceType: 'agent', parentResourceTypeSlug: 'team', deriveParentId: (ctx) => ctx.user.teamId },
      },
      // The creator gets the `owner` role on what they register, else `admin`, else `editor`.
      ownership: { enabled: true },
    });

    /** Call when a user creates an agent in your app. */
    async function onAgentCreated(user: WorkOSUser, agentId: string, name: string) {
      const organizationId = user.organizationId;
      if (!organizationId || !(await fga.hasResourceType(organizationId, 'agent'))) return null;
      const { resource, ownerAssignment, warnings } = await fga.registerResource({
        user,
        resourceType: 'agent',
        resourceId: agentId,
        name,
        parentResource: { type: 'team', id: 'platform' },
      });
      for (const warning of warnings) console.warn(warning);
      return { resource, ownerAssignment };
    }
    // --- end ---

    const result = await onAgentCreated(user, 'helperAgent', 'Helper');
    expect(result?.resource).toMatchObject({ externalId: 'helperAgent', organizationId: registro.id, parentResourceId: team.id });
    expect(result?.ownerAssignment).toMatchObject({ role: { slug: 'owner' } });
    expect(await fga.check(user, { resource: { type: 'agent', id: 'helperAgent' }, permission: 'agents:execute' })).toBe(true);
    expect(fga.ownership).toEqual({ enabled: true, ownerRole: 'owner', fallbackRoles: ['admin', 'editor'] });
  });
});
