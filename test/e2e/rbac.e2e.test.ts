/**
 * MastraAuthWorkos + MastraRBACWorkos behind a real Mastra server (`server.rbac`), called with
 * `@mastra/client-js` and plain fetch; WorkOS is the offline emulator.
 */
import { MastraClient, MastraClientError } from '@mastra/client-js';
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { createMockModel } from '@mastra/core/test-utils/llm-mock';
import { createTool } from '@mastra/core/tools';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MastraAuthWorkos } from '../../src';
import { MastraRBACWorkos, type WorkOSRoleMapping } from '../../src/rbac';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { startMastraServer } from '../helpers/mastra-server';
import { CaptureLogger } from '../support/capture-logger';

/** Upstream's documented example mapping. */
const UPSTREAM_ROLE_MAPPING: WorkOSRoleMapping = {
  admin: ['*'],
  member: ['agents:read', 'workflows:*'],
  _default: [],
};
/** Long enough that two back-to-back requests fall inside it even on a loaded machine. */
const ROLE_TTL_MS = 1_000;

interface RunningServer {
  baseUrl: string;
  rbac: MastraRBACWorkos;
  close(): Promise<void>;
}

let emu: WorkOSEmulator;
let acme: { id: string };
const servers: RunningServer[] = [];
let main: RunningServer;
/** The RBAC providers' clock: moved by hand past the role cache TTL instead of sleeping. */
const rbacClock = new ManualClock();
const tokens: Record<'admin' | 'member' | 'contractor', string> = { admin: '', member: '', contractor: '' };

function buildMastra(rbac: MastraRBACWorkos): Mastra {
  const weatherAgent = new Agent({
    id: 'weatherAgent',
    name: 'weatherAgent',
    instructions: 'You report the weather.',
    model: createMockModel({ mockText: 'Sunny in London' }),
  });
  const echoTool = createTool({
    id: 'echoTool',
    description: 'Echoes its input',
    inputSchema: z.object({ text: z.string() }),
    execute: async (input) => ({ echoed: input.text }),
  });
  const greet = createStep({
    id: 'greet',
    inputSchema: z.object({ name: z.string() }),
    outputSchema: z.object({ greeting: z.string() }),
    execute: async ({ inputData }) => ({ greeting: `Hello ${inputData.name}` }),
  });
  const greetWorkflow = createWorkflow({
    id: 'greetWorkflow',
    inputSchema: z.object({ name: z.string() }),
    outputSchema: z.object({ greeting: z.string() }),
  })
    .then(greet)
    .commit();
  return new Mastra({
    agents: { weatherAgent },
    tools: { echoTool },
    workflows: { greetWorkflow },
    server: { auth: new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger() }), rbac },
    logger: false,
  });
}

async function startServer(rbac: MastraRBACWorkos): Promise<RunningServer> {
  const server = await startMastraServer(buildMastra(rbac));
  const running: RunningServer = { baseUrl: server.baseUrl, rbac, close: () => server.stop() };
  servers.push(running);
  return running;
}

function rbacWith(roleMapping: WorkOSRoleMapping, logger = new CaptureLogger()): MastraRBACWorkos {
  return new MastraRBACWorkos({ ...emu.connection, roleMapping, cache: { ttlMs: ROLE_TTL_MS }, logger, clock: rbacClock });
}

async function call(
  server: RunningServer,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(token !== undefined && { Authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
}

function client(server: RunningServer, token: string): MastraClient {
  return new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${token}` }, retries: 0 });
}

async function statusOf(promise: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof MastraClientError) return error.status;
    throw error;
  }
}

/** Main routes with the permission Mastra 1.x requires on each (as observed below). */
const MAIN_ROUTES: Array<{ method: string; path: string; body?: unknown; permission: string }> = [
  { method: 'GET', path: '/api/agents', permission: 'agents:read' },
  { method: 'GET', path: '/api/agents/weatherAgent', permission: 'agents:read' },
  { method: 'POST', path: '/api/agents/weatherAgent/generate', body: { messages: 'Weather in London' }, permission: 'agents:execute' },
  { method: 'POST', path: '/api/agents/weatherAgent/stream', body: { messages: 'Weather in London' }, permission: 'agents:execute' },
  { method: 'POST', path: '/api/agents/weatherAgent/model/reset', body: {}, permission: 'agents:write' },
  { method: 'GET', path: '/api/workflows', permission: 'workflows:read' },
  { method: 'GET', path: '/api/workflows/greetWorkflow', permission: 'workflows:read' },
  { method: 'GET', path: '/api/workflows/greetWorkflow/runs', permission: 'workflows:read' },
  { method: 'POST', path: '/api/workflows/greetWorkflow/start-async', body: { inputData: { name: 'Ada' } }, permission: 'workflows:execute' },
  { method: 'POST', path: '/api/workflows/greetWorkflow/create-run', body: {}, permission: 'workflows:write or workflows:execute' },
  { method: 'DELETE', path: '/api/workflows/greetWorkflow/runs/run_x', permission: 'workflows:delete' },
  { method: 'GET', path: '/api/tools', permission: 'tools:read' },
  { method: 'GET', path: '/api/tools/echoTool', permission: 'tools:read' },
  { method: 'POST', path: '/api/tools/echoTool/execute', body: { data: { text: 'hi' } }, permission: 'tools:execute' },
  { method: 'GET', path: '/api/memory/threads?agentId=weatherAgent', permission: 'memory:read' },
  { method: 'POST', path: '/api/memory/threads?agentId=weatherAgent', body: { resourceId: 'r1' }, permission: 'memory:write' },
  { method: 'DELETE', path: '/api/memory/threads/thread_x?agentId=weatherAgent', permission: 'memory:delete' },
  { method: 'GET', path: '/api/scores/scorers', permission: 'scores:read' },
  { method: 'GET', path: '/api/observability/traces', permission: 'observability:read' },
  { method: 'GET', path: '/api/processors', permission: 'processors:read' },
  { method: 'GET', path: '/api/auth/permission-patterns', permission: 'auth:read' },
];

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  acme = emu.createOrganization({ name: 'Acme' });
  for (const role of ['admin', 'member', 'contractor'] as const) {
    const user = emu.createUser({ email: `${role}@acme.test` });
    emu.createMembership({ userId: user.id, organizationId: acme.id, role });
    tokens[role] = await emu.mintAccessToken({ sub: user.id, org_id: acme.id, role, roles: [role] });
  }
  main = await startServer(rbacWith(UPSTREAM_ROLE_MAPPING));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await emu?.stop();
});

describe('RBAC through a real Mastra server (upstream example mapping)', () => {
  it('without a token: 401, RBAC is never asked', async () => {
    const { status, json } = await call(main, undefined, 'GET', '/api/agents');
    expect(status).toBe(401);
    expect(json).toEqual({ error: 'Invalid or expired token' });
  });

  it("admin ('*') reaches every main route", async () => {
    const admin = client(main, tokens.admin);
    expect(Object.keys(await admin.listAgents())).toEqual(['weatherAgent']);
    const answer = await admin.getAgent('weatherAgent').generate('Weather in London');
    expect(answer.text).toBe('Sunny in London');
    expect(Object.keys(await admin.listWorkflows())).toEqual(['greetWorkflow']);
    expect(Object.keys(await admin.listTools())).toContain('echoTool');
    for (const route of MAIN_ROUTES) {
      const { status } = await call(main, tokens.admin, route.method, route.path, route.body);
      expect.soft(status, `${route.method} ${route.path}`).not.toBe(403);
      expect.soft(status, `${route.method} ${route.path}`).not.toBe(401);
    }
  });

  it("member reaches agents:read and workflows:* routes, and gets 403 elsewhere", async () => {
    const member = client(main, tokens.member);
    expect(Object.keys(await member.listAgents())).toEqual(['weatherAgent']);
    expect((await member.getAgent('weatherAgent').details()).name).toBe('weatherAgent');
    expect(Object.keys(await member.listWorkflows())).toEqual(['greetWorkflow']);
    expect(await statusOf(member.getAgent('weatherAgent').generate('Weather in London'))).toBe(403);
    expect(await statusOf(member.listTools())).toBe(403);

    const start = await call(main, tokens.member, 'POST', '/api/workflows/greetWorkflow/start-async', { inputData: { name: 'Ada' } });
    expect(start.status).toBe(200);
    expect(start.json).toMatchObject({ status: 'success', result: { greeting: 'Hello Ada' } });

    const denied = await call(main, tokens.member, 'POST', '/api/agents/weatherAgent/generate', { messages: 'Weather in London' });
    expect(denied).toEqual({ status: 403, json: { error: 'Forbidden', message: 'Missing required permission: agents:execute' } });
  });

  it('an unknown role gets _default (here: nothing)', async () => {
    const { status, json } = await call(main, tokens.contractor, 'GET', '/api/agents');
    expect(status).toBe(403);
    expect(json.message).toBe('Missing required permission: agents:read');
  });

  it('observes the permission each main route requires', async () => {
    const observed: Record<string, string> = {};
    for (const route of MAIN_ROUTES) {
      const { status, json } = await call(main, tokens.contractor, route.method, route.path, route.body);
      expect.soft(status, `${route.method} ${route.path}`).toBe(403);
      observed[`${route.method} ${route.path}`] = String(json.message ?? '').replace('Missing required permission: ', '');
    }
    expect(observed).toEqual(Object.fromEntries(MAIN_ROUTES.map((route) => [`${route.method} ${route.path}`, route.permission])));
  });

  it('token roles cost no WorkOS membership call', () => {
    expect(main.rbac.getStats().workosApiCalls).toBe(0);
  });
});

describe('_default with a non-empty grant', () => {
  it('applies to roles the mapping does not name', async () => {
    const server = await startServer(rbacWith({ ...UPSTREAM_ROLE_MAPPING, _default: ['agents:read'] }));
    expect((await call(server, tokens.contractor, 'GET', '/api/agents')).status).toBe(200);
    expect((await call(server, tokens.contractor, 'GET', '/api/workflows')).status).toBe(403);
    expect((await call(server, tokens.member, 'GET', '/api/workflows')).status).toBe(200);
  });
});

describe('roles read from WorkOS (token without organization)', () => {
  it('sees a role change in WorkOS after the TTL, not before', async () => {
    const grace = emu.createUser({ email: 'grace@acme.test' });
    const membership = emu.createMembership({ userId: grace.id, organizationId: acme.id, role: 'member' });
    const token = await emu.mintAccessToken({ sub: grace.id }); // no org_id/role: RBAC asks WorkOS
    const before = main.rbac.getStats().workosApiCalls;

    expect((await call(main, token, 'GET', '/api/agents')).status).toBe(200);
    expect((await call(main, token, 'GET', '/api/tools')).status).toBe(403);
    expect(main.rbac.getStats().workosApiCalls).toBe(before + 1); // getPermissions + getRoles, two requests: one call

    emu.updateMembership(membership.id, { role: 'admin' });
    expect((await call(main, token, 'GET', '/api/tools')).status).toBe(403); // cached until the TTL
    expect(main.rbac.getStats().workosApiCalls).toBe(before + 1);

    rbacClock.advance(ROLE_TTL_MS);
    expect((await call(main, token, 'GET', '/api/tools')).status).toBe(200);
    expect(main.rbac.getStats().workosApiCalls).toBe(before + 2);
  });

  it('fails closed (403, logged once) while WorkOS is down, and recovers', async () => {
    const logger = new CaptureLogger();
    const server = await startServer(rbacWith(UPSTREAM_ROLE_MAPPING, logger));
    const heidi = emu.createUser({ email: 'heidi@acme.test' });
    emu.createMembership({ userId: heidi.id, organizationId: acme.id, role: 'admin' });
    const token = await emu.mintAccessToken({ sub: heidi.id });

    emu.injectFault('listOrganizationMemberships', { status: 503 });
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await call(server, token, 'GET', '/api/agents')).status).toBe(403);
      }
    } finally {
      emu.clearFaults();
    }
    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.args[0])).toEqual([
      expect.objectContaining({ reason: 'upstream_unavailable', status: 503 }),
    ]);
    expect(logger.text).not.toContain(token);
    expect((await call(server, token, 'GET', '/api/agents')).status).toBe(200);
  });
});
