/**
 * Redis trouble never fails a request: down, hung, flushed, a dead lock holder. Each case runs
 * three MastraAuthWorkos instances on one real redis-server (its own, since the cases stop and
 * pause it) and the emulator; sharing resumes without recreating anything.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { mintDistinctTokens } from '../../bench/tokens';
import { requireRedisInCI, startRedisServer, type RunningRedis } from '../helpers/redis-server';
import { CaptureLogger } from '../support/capture-logger';
import { eventually, openFleet, storedText, type StoreFleet } from './fleet';
import { unsealData } from '../../src/session/seal';
import { PASSWORD, signIn } from '../session/helpers';

const suite = requireRedisInCI() ? describe : describe.skip;

let redis: RunningRedis;
let emu: WorkOSEmulator;
let fleet: StoreFleet;
let userCount = 0;

/** Short bounds so the cases stay quick: a hung Redis costs a request at most 100 ms. */
const STORE_OPTIONS = { commandTimeoutMs: 100, retryIntervalMs: 50, lockWaitMs: 200 };

function newUser(): { id: string; email: string } {
  userCount += 1;
  return emu.createUser({ email: `faults-${userCount}@fleet.test`, firstName: `Faults${userCount}` });
}

function instances(): Array<{ auth: MastraAuthWorkos; logger: CaptureLogger }> {
  return fleet.stores.map((store) => {
    const logger = new CaptureLogger();
    return { auth: new MastraAuthWorkos({ ...emu.connection, logger, store }), logger };
  });
}

function storeWarnings(logger: CaptureLogger): number {
  return logger.reasons().filter((reason) => reason === 'store_unavailable').length;
}

suite('fleet mode when Redis misbehaves', () => {
  beforeAll(async () => {
    [redis, emu] = await Promise.all([startRedisServer(), startWorkOSEmulator()]);
  });

  afterAll(async () => {
    await emu?.stop();
    await redis?.stop();
  });

  beforeEach(async () => {
    fleet = await openFleet(redis.url, 3, STORE_OPTIONS);
    emu.resetCalls();
  });

  afterEach(async () => {
    redis.resume();
    await fleet.close();
  });

  it('Redis down: every request is served from memory and WorkOS, logged once per instance; sharing resumes when it returns', async () => {
    const [alice, bob] = [newUser(), newUser()];
    const [aliceToken] = await mintDistinctTokens(emu, 1, { sub: alice.id });
    const [bobToken] = await mintDistinctTokens(emu, 1, { sub: bob.id });
    const fleetAuth = instances();
    expect((await fleetAuth[0]!.auth.authenticateToken(aliceToken!))?.id).toBe(alice.id);

    await redis.kill();
    await eventually(() => fleet.stores.every((store) => !store.available), 'every client noticed');
    const during = await Promise.all(Array.from({ length: 30 }, (_, i) => fleetAuth[i % 3]!.auth.authenticateToken(i % 2 ? bobToken! : aliceToken!)));
    expect(during.every((result) => result !== null)).toBe(true);
    // Each instance on its own: bob once per instance, alice once on each instance that lacked her.
    expect(emu.callCount('getUser')).toBe(1 + 3 + 2);
    expect(fleetAuth.map(({ logger }) => storeWarnings(logger))).toEqual([1, 1, 1]);

    await redis.restart();
    await eventually(() => fleet.stores.every((store) => store.available), 'every store is available again', 10_000);
    expect(fleetAuth.map(({ logger }) => logger.reasons().filter((reason) => reason === 'store_recovered').length)).toEqual([1, 1, 1]);
    emu.resetCalls();
    const carol = newUser();
    const [carolToken] = await mintDistinctTokens(emu, 1, { sub: carol.id });
    expect((await fleetAuth[0]!.auth.authenticateToken(carolToken!))?.id).toBe(carol.id);
    expect((await fleetAuth[1]!.auth.authenticateToken(carolToken!))?.id).toBe(carol.id);
    expect((await fleetAuth[2]!.auth.authenticateToken(carolToken!))?.id).toBe(carol.id);
    expect(emu.callCount('getUser')).toBe(1); // shared again, same providers
  }, 30_000);

  it('Redis hung (SIGSTOP): requests go on without it after one bounded wait; invalidations made meanwhile are replayed', async () => {
    const user = newUser();
    const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
    const fleetAuth = instances();
    for (const { auth } of fleetAuth) expect((await auth.authenticateToken(token!))?.id).toBe(user.id);
    expect(emu.callCount('getUser')).toBe(1);

    redis.pause();
    const stranger = newUser();
    const [strangerToken] = await mintDistinctTokens(emu, 1, { sub: stranger.id });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => fleetAuth[i % 3]!.auth.authenticateToken(strangerToken!)));
    expect(results.filter((result) => result?.id === stranger.id)).toHaveLength(30);
    // Without Redis each instance asks WorkOS once (its own single-flight still holds).
    expect(emu.callCount('getUser')).toBe(1 + 3);
    expect(fleet.stores.map((store) => store.available)).toEqual([false, false, false]);
    expect(fleetAuth.map(({ logger }) => storeWarnings(logger))).toEqual([1, 1, 1]);

    // An invalidation while Redis hangs: applied locally now, in Redis and elsewhere when it returns.
    emu.updateUser(user.id, { firstName: 'Renamed' });
    await fleetAuth[0]!.auth.invalidateUser(user.id);
    expect((await fleetAuth[0]!.auth.authenticateToken(token!))?.name).toContain('Renamed');

    redis.resume();
    await eventually(() => fleet.stores.every((store) => store.available), 'every store is available again');
    await eventually(() => fleetAuth.slice(1).every(({ auth }) => auth.getStats().cachedUsers === 1), 'the replayed invalidation reached the other instances');
    const names = await Promise.all(fleetAuth.map(async ({ auth }) => (await auth.authenticateToken(token!))?.name));
    expect(names).toEqual(Array(3).fill(expect.stringContaining('Renamed')));
    expect(fleetAuth.map(({ logger }) => logger.reasons().filter((reason) => reason === 'store_recovered').length)).toEqual([1, 1, 1]);
  });

  it('Redis flushed (data and scripts): the next miss reloads once for the fleet', async () => {
    const user = newUser();
    const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
    const fleetAuth = instances();
    expect((await fleetAuth[0]!.auth.authenticateToken(token!))?.id).toBe(user.id);
    await fleet.admin.flushall();
    await fleet.admin.script('FLUSH');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fleetAuth[1 + (i % 2)]!.auth.authenticateToken(token!)));
    expect(results.every((result) => result?.id === user.id)).toBe(true);
    expect(emu.callCount('getUser')).toBe(2);
    expect(fleet.stores.every((store) => store.available)).toBe(true);
    expect(fleetAuth.map(({ logger }) => storeWarnings(logger))).toEqual([0, 0, 0]);
  });

  it('a lock holder that died: waiters give up after lockWaitMs and call WorkOS themselves', async () => {
    const user = newUser();
    const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
    const fleetAuth = instances();
    // The lock a crashed instance would have left behind (until its TTL).
    const clientId = emu.connection.clientId;
    await fleet.admin.set(`${fleet.prefix}:${clientId}:auth:user:v:0:0:${user.id}:lock`, 'dead-instance', 'PX', 60_000);
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => fleetAuth[i % 3]!.auth.authenticateToken(token!)));
    expect(results.every((result) => result?.id === user.id)).toBe(true);
    expect(emu.callCount('getUser')).toBe(3); // one per instance, none per request
  });

  it('nothing stored in Redis is a token, a session cookie, or part of one (bearer and sessions)', async () => {
    const user = newUser();
    const tokens = await mintDistinctTokens(emu, 3, { sub: user.id });
    const fleetAuth = fleet.stores.map((store) => new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger(), store, session: { cookiePassword: PASSWORD } }));
    for (const [i, token] of tokens.entries()) await fleetAuth[i]!.authenticateToken(token);
    // A browser session refreshed over the fleet: its grace entry is in Redis, sealed.
    const { sealed, result } = await signIn(fleetAuth[0]!, user.id);
    const refreshed = await Promise.all(fleetAuth.map((auth) => auth.refreshSession(sealed)));
    expect(new Set(refreshed.map((session) => session?.id)).size).toBe(1);
    const fresh = (await unsealData(refreshed[0]!.id, PASSWORD)) as { accessToken: string; refreshToken: string };
    const stored = await storedText(fleet);
    expect(stored).toContain(':session:refresh:');
    const secrets = [...tokens, result.tokens.accessToken, result.tokens.refreshToken!, fresh.accessToken, fresh.refreshToken];
    for (const secret of secrets) for (const part of secret.split('.')) expect(stored).not.toContain(part);
    for (const cookie of [sealed, refreshed[0]!.id]) for (const part of cookie.split('*').filter((p) => p.length > 16)) expect(stored).not.toContain(part);
  });
});
