/**
 * FGA end to end: a real Mastra server (Hono adapter) with `server.auth` = MastraAuthWorkos
 * (`fetchMemberships: true`) and `server.fga` = MastraFGAWorkos, both talking HTTP to the WorkOS
 * emulator through the real SDK; requests made with @mastra/client-js and plain fetch.
 *
 * World: organization Acme; agents `weatherAgent` (registered; Alice is `agent-runner` on it),
 * `chefAgent` (registered; Alice holds nothing on it) and `openAgent` (not registered in WorkOS).
 * Carol is a WorkOS user without any organization membership.
 */
import { MastraClient } from '@mastra/client-js';
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { createMockModel } from '@mastra/core/test-utils/llm-mock';
import { createTool } from '@mastra/core/tools';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FGACheckParams } from '@mastra/core/auth/ee';
import { MastraAuthWorkos, type WorkOSUser } from '../../src';
import { MastraFGAWorkos, type MastraFGAWorkosOptions } from '../../src/fga';
import { startWorkOSEmulator, type EmulatorRoute, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';
import { defineRoles } from '../fga/helpers';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';

let emu: WorkOSEmulator;
let aliceToken: string;
let carolToken: string;

const FGA_ROUTES: EmulatorRoute[] = [
  'authorization.check',
  'authorization.listResourcesForMembership',
  'authorization.listResources',
  'getOrganizationMembership',
];

function agent(id: string): Agent {
  return new Agent({ id, name: id, instructions: 'Answer briefly.', model: createMockModel({ mockText: `${id} says hi` }) });
}

const reportStep = createStep({
  id: 'report',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: z.object({ report: z.string() }),
  execute: async ({ inputData }) => ({ report: `sunny in ${inputData.city}` }),
});
const reportWorkflow = createWorkflow({
  id: 'reportWorkflow',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: z.object({ report: z.string() }),
})
  .then(reportStep)
  .commit();

const weatherTool = createTool({
  id: 'weatherTool',
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async () => ({ forecast: 'sunny' }),
});

/** What Mastra asked the FGA provider, in order (instrumentation only: every call goes through). */
let asked: string[] = [];

class RecordingFGA extends MastraFGAWorkos {
  override async check(user: WorkOSUser, params: FGACheckParams): Promise<boolean> {
    const allowed = await super.check(user, params);
    asked.push(`check(${params.resource.type}:${params.resource.id}, ${String(params.permission)}) = ${allowed}`);
    return allowed;
  }

  override async require(user: WorkOSUser, params: FGACheckParams): Promise<void> {
    try {
      await super.require(user, params);
      asked.push(`require(${params.resource.type}:${params.resource.id}, ${String(params.permission)}) ok`);
    } catch (error) {
      asked.push(`require(${params.resource.type}:${params.resource.id}, ${String(params.permission)}) threw ${(error as Error).name}`);
      throw error;
    }
  }

  override async filterAccessible<T extends { id: string }>(user: WorkOSUser, items: T[], type: string, permission: string): Promise<T[]> {
    const kept = await super.filterAccessible(user, items, type, permission);
    asked.push(`filterAccessible(${items.length} ${type}, ${permission}) -> ${kept.length}`);
    return kept;
  }
}

async function startServer(fgaOptions: MastraFGAWorkosOptions = {}): Promise<RunningMastraServer> {
  const auth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true, logger: new CaptureLogger() });
  const fga = new RecordingFGA({ ...emu.connection, logger: new CaptureLogger(), ...fgaOptions });
  const mastra = new Mastra({
    agents: { weatherAgent: agent('weatherAgent'), chefAgent: agent('chefAgent'), openAgent: agent('openAgent') },
    tools: { weatherTool },
    workflows: { reportWorkflow },
    server: { auth, fga },
    logger: false,
  });
  return startMastraServer(mastra);
}

function client(server: RunningMastraServer, token: string): MastraClient {
  return new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${token}` }, retries: 0 });
}

async function call(server: RunningMastraServer, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (streams): keep the text
  }
  return { status: response.status, body: parsed };
}

/** Resets what was seen: WorkOS calls and provider calls. */
function resetObservations(): void {
  emu.clearFaults();
  emu.resetCalls();
  asked = [];
}

/** Records what one request made the provider do and cost in WorkOS calls, then resets both. */
function noteInto(observed: string[], what: string): void {
  observed.push(`${what}\n      provider: ${asked.join('; ') || '(not called)'}\n      WorkOS: ${JSON.stringify(fgaCalls())}`);
  asked = [];
  emu.resetCalls();
}

/** WorkOS calls made by FGA (not by authentication) since the last reset, by route. */
function fgaCalls(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const route of FGA_ROUTES) {
    const count = emu.callCount(route);
    if (count > 0) counts[route] = count;
  }
  return counts;
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  defineRoles(emu);
  const acme = emu.createOrganization({ name: 'Acme' });
  const alice = emu.createUser({ email: 'alice@acme.test', firstName: 'Alice' });
  const carol = emu.createUser({ email: 'carol@nowhere.test', firstName: 'Carol' });
  const aliceAcme = emu.createMembership({ userId: alice.id, organizationId: acme.id, role: 'member' });
  // Agents live under the team `platform` (used by the parent-path test; checks address agents directly).
  const team = emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'team', externalId: 'platform' });
  const weather = emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'agent', externalId: 'weatherAgent', parentResourceId: team.id });
  emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'agent', externalId: 'chefAgent', parentResourceId: team.id });
  emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'tool', externalId: 'weatherTool' });
  emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-runner', resourceId: weather.id });
  aliceToken = await emu.mintAccessToken({ sub: alice.id, org_id: acme.id, expiresIn: 3600 });
  carolToken = await emu.mintAccessToken({ sub: carol.id, expiresIn: 3600 });
});

afterAll(async () => {
  await emu?.stop();
});

describe('FGA through a real Mastra server (publicByDefault: false)', () => {
  let server: RunningMastraServer;
  const observed: string[] = [];

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.stop();
    process.stdout.write(`[fga e2e] per request (publicByDefault: false):\n  ${observed.join('\n  ')}\n`);
  });

  beforeEach(resetObservations);

  const note = (what: string) => noteInto(observed, what);

  it('a member allowed on one agent gets 200 there and 403 on another', async () => {
    const alice = client(server, aliceToken);
    const answer = await alice.getAgent('weatherAgent').generate('Weather in London');
    expect(answer.text).toBe('weatherAgent says hi');
    expect(asked).toEqual([
      'check(agent:weatherAgent, agents:execute) = true',
      'require(agent:weatherAgent, agents:execute) ok',
      'require(workflow:executionWorkflow, workflows:execute) ok',
    ]);
    expect(fgaCalls()).toEqual({ 'authorization.check': 1 });
    note('POST /api/agents/weatherAgent/generate (client-js, allowed)');

    const denied = await call(server, aliceToken, 'POST', '/api/agents/chefAgent/generate', { messages: 'Weather in London' });
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain('FGA authorization denied');
    note('POST /api/agents/chefAgent/generate (denied)');
    await expect(alice.getAgent('chefAgent').generate('hi')).rejects.toThrow(/403/);
  });

  it('reading one agent is checked with agents:read', async () => {
    const allowed = await call(server, aliceToken, 'GET', '/api/agents/weatherAgent');
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ name: 'weatherAgent' });
    note('GET /api/agents/weatherAgent (allowed)');
    expect((await call(server, aliceToken, 'GET', '/api/agents/chefAgent')).status).toBe(403);
    note('GET /api/agents/chefAgent (denied)');
  });

  it('the agent list returns only accessible agents', async () => {
    const agents = await client(server, aliceToken).listAgents();
    expect(Object.keys(agents)).toEqual(['weatherAgent']);
    note('GET /api/agents (list)');
  });

  it('the tool list and tool reads are filtered and checked too', async () => {
    const tools = await call(server, aliceToken, 'GET', '/api/tools');
    expect(tools.status).toBe(200);
    expect(tools.body).toEqual({}); // registered tool, no grant
    note('GET /api/tools (list)');
    expect((await call(server, aliceToken, 'GET', '/api/tools/weatherTool')).status).toBe(403);
    note('GET /api/tools/weatherTool (denied)');
  });

  it('workflow list and workflow reads and runs are filtered and checked', async () => {
    const workflows = await call(server, aliceToken, 'GET', '/api/workflows');
    expect(workflows.status).toBe(200);
    expect(workflows.body).toEqual({}); // unregistered workflow, publicByDefault off
    note('GET /api/workflows (list)');
    expect((await call(server, aliceToken, 'GET', '/api/workflows/reportWorkflow')).status).toBe(403);
    note('GET /api/workflows/reportWorkflow (unregistered)');
    const run = await call(server, aliceToken, 'POST', '/api/workflows/reportWorkflow/start-async', { inputData: { city: 'Paris' } });
    expect(run.status).toBe(403);
    note('POST /api/workflows/reportWorkflow/start-async (unregistered)');
  });

  it('unregistered agents are denied when publicByDefault is off', async () => {
    expect((await call(server, aliceToken, 'POST', '/api/agents/openAgent/generate', { messages: 'hi' })).status).toBe(403);
    note('POST /api/agents/openAgent/generate (unregistered)');
  });

  it('a user without a resolvable membership is denied everywhere, without any WorkOS authorization call', async () => {
    expect((await call(server, carolToken, 'POST', '/api/agents/weatherAgent/generate', { messages: 'hi' })).status).toBe(403);
    expect((await call(server, carolToken, 'GET', '/api/agents/weatherAgent')).status).toBe(403);
    expect(await client(server, carolToken).listAgents()).toEqual({});
    expect(fgaCalls()).toEqual({});
  });

  it('without a token the request never reaches FGA', async () => {
    const response = await fetch(`${server.baseUrl}/api/agents/weatherAgent/generate`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(fgaCalls()).toEqual({});
  });

  it('fails closed with 403 while WorkOS is down', async () => {
    emu.injectFault('authorization.check', { status: 500 });
    expect((await call(server, aliceToken, 'POST', '/api/agents/weatherAgent/generate', { messages: 'hi' })).status).toBe(403);
    emu.injectFault('authorization.listResourcesForMembership', { status: 500 });
    expect(await client(server, aliceToken).listAgents()).toEqual({});
  });
});

describe('FGA through a real Mastra server (publicByDefault: true)', () => {
  let server: RunningMastraServer;
  const observed: string[] = [];

  beforeAll(async () => {
    server = await startServer({ publicByDefault: true });
  });

  afterAll(async () => {
    await server?.stop();
    process.stdout.write(`[fga e2e] per request (publicByDefault: true):\n  ${observed.join('\n  ')}\n`);
  });

  beforeEach(resetObservations);

  it('unregistered agents are open, registered ones still follow WorkOS', async () => {
    const open = await call(server, aliceToken, 'POST', '/api/agents/openAgent/generate', { messages: 'hi' });
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ text: 'openAgent says hi' });
    noteInto(observed, 'POST /api/agents/openAgent/generate (unregistered, allowed)');
    expect((await call(server, aliceToken, 'POST', '/api/agents/chefAgent/generate', { messages: 'hi' })).status).toBe(403);
    expect((await call(server, aliceToken, 'POST', '/api/agents/weatherAgent/generate', { messages: 'hi' })).status).toBe(200);
  });

  it('the agent list includes unregistered agents but not denied ones', async () => {
    const agents = await client(server, aliceToken).listAgents();
    expect(Object.keys(agents).sort()).toEqual(['openAgent', 'weatherAgent']);
    noteInto(observed, 'GET /api/agents (list)');
  });

  it('publicByDefault never opens anything for a user without a membership', async () => {
    expect((await call(server, carolToken, 'POST', '/api/agents/openAgent/generate', { messages: 'hi' })).status).toBe(403);
    expect(await client(server, carolToken).listAgents()).toEqual({});
    expect(fgaCalls()).toEqual({});
  });
});

describe('FGA with a parent resource: the list endpoint asks WorkOS once', () => {
  let server: RunningMastraServer;

  beforeAll(async () => {
    server = await startServer({
      resourceMapping: { agent: { fgaResourceType: 'agent', parentFgaResourceType: 'team', deriveParentId: () => 'platform' } },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  beforeEach(resetObservations);

  it('lists accessible agents with one listResourcesForMembership call', async () => {
    const agents = await client(server, aliceToken).listAgents();
    expect(Object.keys(agents)).toEqual(['weatherAgent']);
    expect(fgaCalls()).toEqual({ 'authorization.listResourcesForMembership': 1 });
    process.stdout.write(`[fga e2e] GET /api/agents with a parent mapping -> ${JSON.stringify(fgaCalls())}; provider: ${asked.join('; ')}\n`);
  });
});

describe("FGA with checkInternalWorkflows: Mastra's internal agent workflow is checked in WorkOS too", () => {
  let server: RunningMastraServer;

  beforeAll(async () => {
    server = await startServer({ checkInternalWorkflows: true });
  });

  afterAll(async () => {
    await server?.stop();
  });

  beforeEach(resetObservations);

  it('an allowed agent then fails on the unregistered workflow `executionWorkflow` (404 from require)', async () => {
    const response = await call(server, aliceToken, 'POST', '/api/agents/weatherAgent/generate', { messages: 'hi' });
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).toContain("type 'workflow' with external id 'executionWorkflow'");
    expect(asked).toContain('require(workflow:executionWorkflow, workflows:execute) threw WorkOSFGAResourceNotFoundError');
  });
});
