/**
 * Directory Sync through a real Mastra server: the WorkOS webhook arrives on a Mastra custom route
 * (`registerApiRoute`, `requiresAuth: false`) and revokes access at once. The emulator is WorkOS
 * (API and webhook sender); the SDK is the real one; only the LLM is mocked.
 */
import { Mastra } from '@mastra/core/mastra';
import { registerApiRoute } from '@mastra/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MastraAuthWorkos, MastraRBACWorkos, WorkOSDirectorySync, type DirectorySyncUserData } from '../../src';
import { signWebhookBody, startWorkOSEmulator, type EmulatorDirectory, type WorkOSEmulator } from '../../src/testing';
import { requestJson } from '../helpers/http';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';
import { createMockAgent } from '../helpers/mock-agent';
import { CaptureLogger } from '../support/capture-logger';

const SECRET = 'whsec_e2e_directory_sync_secret_value';
const GENERATE = '/api/agents/weatherAgent/generate';
const BODY = { messages: 'Weather in London' };

let emu: WorkOSEmulator;
let server: RunningMastraServer;
let directory: EmulatorDirectory;
let org: { id: string };
let webhookUrl: string;
const deleted: DirectorySyncUserData[] = [];
let handlerRuns = 0;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  emu.setWebhookSecret(SECRET);
  org = emu.createOrganization({ name: 'Acme' });
  directory = emu.createDirectory({ organizationId: org.id, name: 'Acme Okta' });

  // The app: auth + RBAC, and the Directory Sync receiver that purges both.
  const auth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true, logger: new CaptureLogger() });
  const rbac = new MastraRBACWorkos({ ...emu.connection, roleMapping: { admin: ['*'], member: ['agents:*'] }, logger: new CaptureLogger() });
  const directorySync = new WorkOSDirectorySync(auth.getWorkOS(), {
    webhookSecret: SECRET,
    handlers: {
      onUserDeleted: (user) => {
        handlerRuns += 1;
        deleted.push(user);
      },
      onUserCreated: () => void (handlerRuns += 1),
      onUserUpdated: () => void (handlerRuns += 1),
    },
    invalidate: [auth, rbac],
    logger: new CaptureLogger(),
  });

  const mastra = new Mastra({
    agents: { weatherAgent: createMockAgent({ id: 'weatherAgent', reply: 'Sunny, 21 °C.' }) },
    logger: false,
    server: {
      auth,
      rbac,
      apiRoutes: [
        registerApiRoute('/webhooks/workos', {
          method: 'POST',
          requiresAuth: false,
          handler: (c) => directorySync.handleRequest(c.req.raw),
        }),
      ],
    },
  });
  server = await startMastraServer(mastra);
  webhookUrl = `${server.baseUrl}/webhooks/workos`;
});

afterAll(async () => {
  await server?.stop();
  await emu?.stop();
});

/** An AuthKit user provisioned from the directory (same email), admin of Acme, with a valid token. */
async function provision(name: string) {
  const email = `${name}@acme.test`;
  const user = emu.createUser({ email, firstName: name });
  emu.createMembership({ userId: user.id, organizationId: org.id, role: 'admin' });
  const dirUser = emu.createDirectoryUser({ directoryId: directory.id, email, firstName: name });
  const token = await emu.mintAccessToken({ sub: user.id, org_id: org.id });
  return { user, dirUser, token };
}

describe('Directory Sync webhook on a Mastra custom route', () => {
  it('a deprovisioned user is refused on the very next request with the same still-valid token', async () => {
    const { dirUser, token } = await provision('grace');
    expect((await requestJson(server.baseUrl + GENERATE, { token, body: BODY })).status).toBe(200);

    // WorkOS side: the IdP removes Grace; the emulator deletes her and delivers the signed event.
    const gone = emu.deleteDirectoryUser(dirUser.id);
    // Without the webhook the cache would still let her in (up to its TTL):
    expect((await requestJson(server.baseUrl + GENERATE, { token, body: BODY })).status).toBe(200);

    const started = performance.now();
    const [delivery] = await emu.sendWebhook(webhookUrl, 'dsync.user.deleted', emu.directoryEventData('dsync.user.deleted', { user: gone }));
    const refused = await requestJson(server.baseUrl + GENERATE, { token, body: BODY });
    const elapsedMs = performance.now() - started;

    expect(delivery?.status).toBe(200);
    expect(refused).toEqual({ status: 401, body: { error: 'Invalid or expired token' } });
    expect(deleted.map((user) => user.emails[0]?.value)).toEqual(['grace@acme.test']);
    // Reported, not asserted (no wall-clock assertions): webhook sent → 401 received.
    console.info(`[directory-sync e2e] webhook → refused request: ${elapsedMs.toFixed(1)} ms (no TTL wait)`);
  });

  it('forged, stale, re-serialised and replayed deliveries are refused without running a handler', async () => {
    const { dirUser, token } = await provision('mallory-target');
    const runsBefore = handlerRuns;
    const data = emu.directoryEventData('dsync.user.deleted', { user: dirUser });
    const statuses = [];
    for (const knobs of [
      { secret: 'whsec_forged' },
      { timestampOffsetMs: -10 * 60_000 },
      { timestampOffsetMs: 10 * 60_000 },
      { reserializeBody: true },
      { omitSignature: true },
    ]) {
      statuses.push((await emu.sendWebhook(webhookUrl, 'dsync.user.deleted', data, knobs))[0]?.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(handlerRuns).toBe(runsBefore);
    // Nothing was invalidated either: the user still gets in.
    expect((await requestJson(server.baseUrl + GENERATE, { token, body: BODY })).status).toBe(200);
  });

  it('a replayed genuine delivery (same event id) is acknowledged but handled once', async () => {
    const { dirUser } = await provision('replay');
    const runsBefore = handlerRuns;
    const deliveries = await emu.sendWebhook(webhookUrl, 'dsync.user.updated', emu.directoryEventData('dsync.user.updated', { user: dirUser }), {
      duplicate: true,
    });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    expect(handlerRuns).toBe(runsBefore + 1);
  });

  it('malformed JSON with a valid signature → 400, unsigned → 401; the route needs no Mastra token', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{"id":' });
    expect((await post({})).status).toBe(401);
    expect((await post({ 'WorkOS-Signature': signWebhookBody(SECRET, Date.now(), '{"id":') })).status).toBe(400);
  });
});
