/**
 * Fleet mode for MastraAuthWorkos: three instances (own ioredis client, own store, own provider)
 * against one real redis-server and the emulator over HTTP with the real WorkOS SDK.
 * Counts what reaches WorkOS and Redis; never asserts wall-clock time.
 */
import { describe, expect, it } from 'vitest';
import { MastraAuthWorkos, WorkOSConfigError, WorkOSDirectorySync, computeWebhookSignature, type MastraAuthWorkosOptions } from '../../src';
import { Mastra } from '@mastra/core/mastra';
import { Redis } from 'ioredis';
import { MastraFGAWorkos, MastraRBACWorkos } from '../../src';
import { createRedisStore } from '../../src/store';
import type { WorkOSEmulator } from '../../src/testing';
import { mintDistinctTokens } from '../../bench/tokens';
import { requireRedisInCI, type RunningRedis } from '../helpers/redis-server';
import { CaptureLogger } from '../support/capture-logger';
import { commandsProcessed, eventually, type StoreFleet, useFleetWorld } from './fleet';

const suite = requireRedisInCI() ? describe : describe.skip;

let redis: RunningRedis;
let emu: WorkOSEmulator;
let org: { id: string };
let fleet: StoreFleet;
let userCount = 0;

function newUser(): { id: string; email: string } {
  userCount += 1;
  const user = emu.createUser({ email: `fleet-${userCount}@auth.test`, firstName: `Fleet${userCount}` });
  emu.createMembership({ userId: user.id, organizationId: org.id, role: 'member' });
  return user;
}

/** One MastraAuthWorkos per store of the fleet. */
function instances(options: MastraAuthWorkosOptions = {}): Array<{ auth: MastraAuthWorkos; logger: CaptureLogger }> {
  return fleet.stores.map((store) => {
    const logger = new CaptureLogger();
    return { auth: new MastraAuthWorkos({ ...emu.connection, logger, store, ...options }), logger };
  });
}

suite('MastraAuthWorkos on a shared Redis store', () => {
  useFleetWorld((world) => ({ redis, emu, fleet } = world), {
    seed: (started) => {
      org = started.createOrganization({ name: 'Fleet Org' });
    },
  });

  it('1,000 requests from 10 users spread over 3 instances cost 10 getUser calls (30 without the store)', async () => {
    const users = Array.from({ length: 10 }, newUser);
    const tokens = await Promise.all(users.map((user) => mintDistinctTokens(emu, 5, { sub: user.id })));
    const fleetAuth = instances().map(({ auth }) => auth);
    const alone = [0, 1, 2].map(() => new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger() }));

    for (const providers of [fleetAuth, alone]) {
      emu.resetCalls();
      let failed = 0;
      for (let wave = 0; wave < 1000; wave += 10) {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => {
            const n = wave + i;
            return providers[n % 3]!.authenticateToken(tokens[n % 10]![Math.floor(n / 10) % 5]!);
          }),
        );
        failed += results.filter((user) => user === null).length;
      }
      expect(failed).toBe(0);
      expect(emu.callCount('getUser')).toBe(providers === fleetAuth ? 10 : 30);
    }
  });

  it('30 concurrent cold requests for one user over 3 instances make one getUser call', async () => {
    const user = newUser();
    const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
    const fleetAuth = instances({ fetchMemberships: true }).map(({ auth }) => auth);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => fleetAuth[i % 3]!.authenticateToken(token!)));
    expect(results.map((result) => result?.id)).toEqual(Array(30).fill(user.id));
    expect(emu.callCount('getUser')).toBe(1);
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);
    expect(fleetAuth.map((auth) => auth.getStats().workosApiCalls).reduce((a, b) => a + b)).toBe(2);
  });

  it('a warm request sends nothing to Redis (and nothing to WorkOS)', async () => {
    const user = newUser();
    const [first, second] = await mintDistinctTokens(emu, 2, { sub: user.id });
    const [a] = instances({ fetchMemberships: true }).map(({ auth }) => auth);
    expect((await a!.authenticateToken(first!))?.id).toBe(user.id);
    emu.resetCalls();
    const before = await commandsProcessed(fleet.admin);
    for (let i = 0; i < 50; i += 1) {
      expect((await a!.authenticateToken(i % 2 ? first! : second!))?.id).toBe(user.id);
    }
    const after = await commandsProcessed(fleet.admin);
    expect(after - before).toBe(1); // the first INFO itself
    expect(emu.callCount()).toBe(0);
  });

  it('invalidateUser on one instance drops the user on every instance and in Redis', async () => {
    const user = newUser();
    const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
    const fleetAuth = instances().map(({ auth }) => auth);
    for (const auth of fleetAuth) expect((await auth.authenticateToken(token!))?.id).toBe(user.id);
    expect(emu.callCount('getUser')).toBe(1);

    emu.updateUser(user.id, { firstName: 'Renamed' });
    await fleetAuth[0]!.invalidateUser(user.id);
    await eventually(() => fleetAuth.every((auth) => auth.getStats().cachedUsers === 0), 'every instance dropped the user');

    const names = await Promise.all(fleetAuth.map(async (auth) => (await auth.authenticateToken(token!))?.name));
    expect(names).toEqual(Array(3).fill(expect.stringContaining('Renamed')));
    expect(emu.callCount('getUser')).toBe(2); // one reload for the whole fleet
  });

  it('a Directory Sync deletion received by an instance that never saw the user drops it everywhere', async () => {
    const user = newUser();
    const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
    const [a, b, c] = instances().map(({ auth }) => auth);
    expect((await b!.authenticateToken(token!))?.id).toBe(user.id);
    expect((await c!.authenticateToken(token!))?.id).toBe(user.id);
    expect(a!.getStats().cachedUsers).toBe(0);

    const secret = 'whsec_fleet_test_0123456789';
    const sync = new WorkOSDirectorySync(emu.createWorkOSClient(), { webhookSecret: secret, handlers: {}, invalidate: [a!], logger: new CaptureLogger() });
    const directory = emu.createDirectory({ organizationId: org.id, name: 'Fleet directory' });
    const dirUser = emu.createDirectoryUser({ directoryId: directory.id, email: user.email.toUpperCase() });
    const gone = emu.deleteDirectoryUser(dirUser.id);
    emu.setWebhookSecret(secret);
    const body = JSON.stringify({ id: 'event_fleet_1', event: 'dsync.user.deleted', data: emu.directoryEventData('dsync.user.deleted', { user: gone }) });
    const timestamp = Date.now();
    const outcome = await sync.handleWebhook(body, `t=${timestamp}, v1=${computeWebhookSignature(secret, timestamp, body)}`);
    expect(outcome.invalidatedUserIds).toEqual([user.id]);
    await eventually(() => b!.getStats().cachedUsers === 0 && c!.getStats().cachedUsers === 0, 'b and c dropped the user');
  });

  it('README "Running several instances": the block as written, on this redis-server and the emulator', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, emu.env(), { REDIS_URL: redis.url });
    try {
      // --- README block ---
      const redisClient = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
        tls: process.env.REDIS_URL?.startsWith('rediss://') ? {} : undefined,
      });
      redisClient.on('error', () => undefined);
      const store = createRedisStore(redisClient);
      const mastra = new Mastra({
        logger: false,
        server: {
          auth: new MastraAuthWorkos({ fetchMemberships: true, store }),
          rbac: new MastraRBACWorkos({ roleMapping: { admin: ['*'], member: ['agents:read'] }, store }),
          fga: new MastraFGAWorkos({ cache: { ttlMs: 10_000 }, store }),
        },
      });
      // --- end of block ---
      const user = newUser();
      const [token] = await mintDistinctTokens(emu, 1, { sub: user.id, org_id: org.id });
      const auth = mastra.getServer()?.auth as MastraAuthWorkos;
      const signedIn = await auth.authenticateToken(token!);
      expect(signedIn?.id).toBe(user.id);
      const rbac = mastra.getServer()?.rbac as MastraRBACWorkos;
      expect(await rbac.getPermissions(signedIn!)).toEqual(['agents:read']);
      await store.close();
      redisClient.disconnect();
    } finally {
      process.env = saved;
    }
  });

  it('refuses a store that is not one, naming the option', () => {
    expect(() => new MastraAuthWorkos({ ...emu.connection, store: {} as never })).toThrow(WorkOSConfigError);
    expect(() => new MastraAuthWorkos({ ...emu.connection, store: {} as never })).toThrow(/store/);
    expect(() => createRedisStore({} as never)).toThrow(expect.objectContaining({ option: 'client' }));
    expect(() => createRedisStore(fleet.clients[0]!, { commandTimeoutMs: -1 })).toThrow(expect.objectContaining({ option: 'commandTimeoutMs' }));
  });
});
