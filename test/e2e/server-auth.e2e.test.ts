/**
 * `MastraAuthWorkos` as `server.auth` of a real Mastra server (`@mastra/hono` + `@hono/node-server`
 * on 127.0.0.1), called with `@mastra/client-js` and plain `fetch`, against the WorkOS emulator
 * through the real `@workos-inc/node` SDK. Nothing is mocked except the LLM.
 */
import { MastraClient, MastraClientError } from '@mastra/client-js';
import { Mastra } from '@mastra/core/mastra';
import { MASTRA_RESOURCE_ID_KEY, type RequestContext } from '@mastra/core/request-context';
import { getRequestHeader, registerApiRoute } from '@mastra/core/server';
import { createTool } from '@mastra/core/tools';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MastraAuthWorkos, type MastraAuthWorkosOptions, type WorkOSUser } from '../../src';
import { startWorkOSEmulator, type EmulatorOrganization, type EmulatorUser, type WorkOSEmulator } from '../../src/testing';
import { requestJson } from '../helpers/http';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';
import { createMockAgent } from '../helpers/mock-agent';
import { CaptureLogger } from '../support/capture-logger';

const GENERATE = '/api/agents/weatherAgent/generate';
const CURL_BODY = { messages: 'Weather in London' };

let emu: WorkOSEmulator;
let acme: EmulatorOrganization;
let globex: EmulatorOrganization;
let ada: EmulatorUser; // admin of Acme
let bob: EmulatorUser; // member of Acme
let gina: EmulatorUser; // member of Globex
const servers: RunningMastraServer[] = [];

/** What the agent's instructions function last saw in its request context. */
let seenByAgent: { user: unknown; resourceId: unknown } | undefined;

const whoamiTool = createTool({
  id: 'whoami',
  description: 'Tells who Mastra says is calling.',
  inputSchema: z.object({}),
  execute: async (_input, context) => ({
    user: context?.requestContext?.get('user') ?? null,
    resourceId: context?.requestContext?.get(MASTRA_RESOURCE_ID_KEY) ?? null,
  }),
});

function recordContext(requestContext: RequestContext): void {
  seenByAgent = { user: requestContext.get('user'), resourceId: requestContext.get(MASTRA_RESOURCE_ID_KEY) };
}

/** A Mastra app with our provider as `server.auth`, served on loopback. */
async function serve(auth: MastraAuthWorkos): Promise<RunningMastraServer> {
  const weatherAgent = createMockAgent({
    id: 'weatherAgent',
    reply: (requestContext) => `Sunny in town, ${(requestContext.get('user') as WorkOSUser | undefined)?.email ?? 'nobody'}.`,
    onInstructions: recordContext,
  });
  const mastra = new Mastra({
    agents: { weatherAgent },
    tools: { whoamiTool },
    logger: false,
    server: {
      auth,
      apiRoutes: [
        registerApiRoute('/custom/status', {
          method: 'GET',
          handler: async (c) => c.json({ ok: true, user: c.get('requestContext').get('user') ?? null }),
        }),
        registerApiRoute('/custom/me', {
          method: 'GET',
          handler: async (c) => c.json({ user: c.get('requestContext').get('user') ?? null }),
        }),
      ],
    },
  });
  const server = await startMastraServer(mastra);
  servers.push(server);
  return server;
}

function provider(options: MastraAuthWorkosOptions = {}): MastraAuthWorkos {
  return new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true, logger: new CaptureLogger(), ...options });
}

/** A real sign-in: authorization code → `authenticateWithCode` → access token. */
async function signIn(user: EmulatorUser, organization: EmulatorOrganization): Promise<string> {
  const code = emu.issueAuthorizationCode({ userId: user.id, organizationId: organization.id });
  const session = await emu.createWorkOSClient().userManagement.authenticateWithCode({ code, clientId: emu.clientId });
  return session.accessToken;
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  acme = emu.createOrganization({ name: 'Acme' });
  globex = emu.createOrganization({ name: 'Globex' });
  ada = emu.createUser({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
  bob = emu.createUser({ email: 'bob@acme.test', firstName: 'Bob' });
  gina = emu.createUser({ email: 'gina@globex.test', firstName: 'Gina' });
  emu.createMembership({ userId: ada.id, organizationId: acme.id, role: 'admin' });
  emu.createMembership({ userId: bob.id, organizationId: acme.id, role: 'member' });
  emu.createMembership({ userId: gina.id, organizationId: globex.id, role: 'member' });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
  seenByAgent = undefined;
});

describe('valid token → 200', () => {
  let server: RunningMastraServer;
  beforeAll(async () => {
    server = await serve(provider());
  });

  it('answers @mastra/client-js generate() for a user signed in with authenticateWithCode', async () => {
    const accessToken = await signIn(ada, acme);
    const client = new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${accessToken}` } });
    const response = await client.getAgent('weatherAgent').generate("What's the weather like in Nairobi");
    expect(response.text).toBe('Sunny in town, ada@acme.test.');
  });

  it("answers the seed page's curl request", async () => {
    const response = await requestJson<{ text: string }>(server.baseUrl + GENERATE, { token: await signIn(bob, acme), body: CURL_BODY });
    expect(response.status).toBe(200);
    expect(response.body.text).toBe('Sunny in town, bob@acme.test.');
  });

  it('reads the key set once and each user once, however many requests carry the token', async () => {
    // Its own provider and server, so the counts below do not depend on what other tests loaded.
    const own = await serve(provider());
    const carol = emu.createUser({ email: 'carol@acme.test' });
    emu.createMembership({ userId: carol.id, organizationId: acme.id });
    const token = await emu.mintAccessToken({ sub: carol.id, org_id: acme.id });
    emu.resetCalls();
    for (let i = 0; i < 5; i += 1) {
      expect((await requestJson(own.baseUrl + GENERATE, { token, body: CURL_BODY })).status).toBe(200);
    }
    expect(emu.callCount('getUser')).toBe(1);
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);
    expect(emu.callCount('jwks')).toBe(1);
  });
});

describe('bad credentials → 401, and nothing reaches WorkOS', () => {
  let server: RunningMastraServer;
  let logger: CaptureLogger;
  beforeAll(async () => {
    logger = new CaptureLogger();
    server = await serve(provider({ logger }));
  });

  async function expect401(init: { token?: string; authorization?: string }): Promise<void> {
    const response = await requestJson(server.baseUrl + GENERATE, { ...init, body: CURL_BODY });
    expect(response).toEqual({ status: 401, body: { error: 'Invalid or expired token' } });
  }

  it('without a token', async () => {
    await expect401({});
    expect(emu.callCount()).toBe(0);
  });

  it('with an empty bearer, another scheme, or garbage', async () => {
    await expect401({ authorization: 'Bearer ' });
    await expect401({ authorization: 'Basic YWRhOnNlY3JldA==' });
    await expect401({ token: 'garbage' });
    await expect401({ token: 'a.b.c' });
    await expect401({ token: 'x'.repeat(10_000) }); // over maxTokenLength, under Node's 16 KiB header cap
    expect(emu.callCount('getUser')).toBe(0);
  });

  it('with an unsigned (alg: none) token', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: ada.id, iss: emu.issuer, iat: now, exp: now + 300 })}.`;
    await expect401({ token: unsigned });
    expect(emu.callCount('getUser')).toBe(0);
  });

  it('with an expired token', async () => {
    await expect401({ token: await emu.mintAccessToken({ sub: ada.id, org_id: acme.id, expiresIn: -120 }) });
    expect(emu.callCount('getUser')).toBe(0);
  });

  it('with a token signed by a foreign key (same kid, claims admin)', async () => {
    await expect401({ token: await emu.mintAccessToken({ sub: ada.id, org_id: acme.id, role: 'admin', signWith: 'foreign' }) });
    expect(emu.callCount('getUser')).toBe(0);
  });

  it('with a well-signed token for a user WorkOS does not know', async () => {
    await expect401({ token: await emu.mintAccessToken({ sub: 'user_01UNKNOWN000000000000000' }) });
    expect(emu.callCount('getUser')).toBe(1);
  });

  it('surfaces as MastraClientError 401 in @mastra/client-js', async () => {
    const client = new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: 'Bearer garbage' } });
    const error = await client.getAgent('weatherAgent').generate('hi').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MastraClientError);
    expect((error as MastraClientError).status).toBe(401);
  });

  it('fails closed when WorkOS is down, logs it once without secrets, and recovers', async () => {
    const dave = emu.createUser({ email: `dave-${Date.now()}@acme.test` });
    const token = await emu.mintAccessToken({ sub: dave.id });
    emu.injectFault('getUser', { status: 503 });
    logger.lines.length = 0;
    await expect401({ token });
    await expect401({ token });
    const warnings = logger.lines.filter((line) => line.level === 'warn' || line.level === 'error');
    expect(warnings).toHaveLength(1);
    expect(logger.text).not.toContain(token);
    expect(logger.text).not.toContain(emu.apiKey);

    emu.clearFaults();
    expect((await requestJson(server.baseUrl + GENERATE, { token, body: CURL_BODY })).status).toBe(200);
  });
});

describe('authorizeUser says no → 403', () => {
  it('with the authorizeUser option (it also receives the request)', async () => {
    const headersSeen: Array<string | null> = [];
    const server = await serve(
      provider({
        authorizeUser: (user, request) => {
          // Mastra ships two structurally different `MastraAuthRequest` types; both describe this object.
          headersSeen.push(getRequestHeader(request as Parameters<typeof getRequestHeader>[0], 'x-client'));
          return user.organizationId === acme.id;
        },
      }),
    );
    const acmeAnswer = await requestJson(server.baseUrl + GENERATE, {
      token: await signIn(bob, acme),
      body: CURL_BODY,
      headers: { 'x-client': 'e2e' },
    });
    const globexAnswer = await requestJson(server.baseUrl + GENERATE, { token: await signIn(gina, globex), body: CURL_BODY });
    expect(acmeAnswer.status).toBe(200);
    expect(globexAnswer).toEqual({ status: 403, body: { error: 'Access denied' } });
    expect(headersSeen).toEqual(['e2e', null]);
  });

  it("with the seed page's AdminOnlyWorkosAuth subclass", async () => {
    class AdminOnlyWorkosAuth extends MastraAuthWorkos {
      async authorizeUser(user: WorkOSUser) {
        return user?.metadata?.role === 'admin';
      }
    }
    const server = await serve(new AdminOnlyWorkosAuth({ ...emu.connection, fetchMemberships: true, logger: new CaptureLogger() }));
    const member = await requestJson(server.baseUrl + GENERATE, { token: await signIn(bob, acme), body: CURL_BODY });
    const admin = await requestJson(server.baseUrl + GENERATE, { token: await signIn(ada, acme), body: CURL_BODY });
    // No role claim in the token: the role of the membership in the token's organization counts.
    const adminByMembership = await requestJson(server.baseUrl + GENERATE, {
      token: await emu.mintAccessToken({ sub: ada.id, org_id: acme.id }),
      body: CURL_BODY,
    });
    expect(member).toEqual({ status: 403, body: { error: 'Access denied' } });
    expect(admin.status).toBe(200);
    expect(adminByMembership.status).toBe(200);
  });
});

describe('public routes', () => {
  let server: RunningMastraServer;
  beforeAll(async () => {
    server = await serve(provider({ public: ['/custom/status', '/api/agents'] }));
  });

  it('a custom route listed in `public` answers without a token, and does not authenticate', async () => {
    expect(await requestJson(server.baseUrl + '/custom/status')).toEqual({ status: 200, body: { ok: true, user: null } });
    expect(await requestJson(server.baseUrl + '/custom/status', { token: 'garbage' })).toEqual({
      status: 200,
      body: { ok: true, user: null },
    });
    expect(emu.callCount()).toBe(0);
  });

  it('a custom route not listed stays protected', async () => {
    expect((await requestJson(server.baseUrl + '/custom/me')).status).toBe(401);
    const response = await requestJson<{ user: WorkOSUser }>(server.baseUrl + '/custom/me', { token: await signIn(ada, acme) });
    expect(response.status).toBe(200);
    expect(response.body.user.email).toBe('ada@acme.test');
  });

  it("Mastra's built-in /api routes stay protected even when listed (they declare requiresAuth)", async () => {
    // @mastra/server 1.x: built-in routes carry `requiresAuth: true`, which wins over `public`.
    expect((await requestJson(server.baseUrl + '/api/agents')).status).toBe(401);
  });
});

describe('the user Mastra hands to agents and tools', () => {
  let server: RunningMastraServer;
  let auth: MastraAuthWorkos;
  beforeAll(async () => {
    auth = provider({ mapUserToResourceId: (user) => `${user.organizationId}:${user.id}` });
    server = await serve(auth);
  });

  it("is the provider's user, in the agent's request context, with the mapped resource id", async () => {
    const token = await signIn(ada, acme);
    const expected = await auth.authenticateToken(token);
    expect((await requestJson(server.baseUrl + GENERATE, { token, body: CURL_BODY })).status).toBe(200);
    expect(seenByAgent?.user).toEqual(expected);
    expect(seenByAgent?.resourceId).toBe(`${acme.id}:${ada.id}`);
    expect(seenByAgent?.user).toMatchObject({
      id: ada.id,
      workosId: ada.id,
      email: 'ada@acme.test',
      name: 'Ada Lovelace',
      organizationId: acme.id,
      role: 'admin',
      metadata: { role: 'admin', workosId: ada.id },
    });
    expect((seenByAgent?.user as WorkOSUser).organizationMembershipId).toMatch(/^om_/);
  });

  it('is what a tool sees in its execution context (client.getTool().execute)', async () => {
    const token = await signIn(bob, acme);
    const client = new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${token}` } });
    const result = (await client.getTool('whoami').execute({ data: {} })) as { user: WorkOSUser; resourceId: string };
    expect(result.resourceId).toBe(`${acme.id}:${bob.id}`);
    expect(result.user).toMatchObject({ id: bob.id, email: 'bob@acme.test', organizationId: acme.id, metadata: { role: 'member' } });
    expect(result.user.memberships?.map((membership) => membership.organizationId)).toEqual([acme.id]);
  });
});
