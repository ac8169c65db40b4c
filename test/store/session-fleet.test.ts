/**
 * Session refresh in fleet mode: three instances sharing one real redis-server refresh an expired
 * cookie with one grant at the emulator (its per-session refresh counter), and every instance hands
 * out the same new cookie. Redis trouble never fails a refresh. Counts only; no wall-clock asserts.
 */
import { Mastra } from '@mastra/core/mastra';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import { keyOf } from '../../src/session/refresher';
import { unsealData } from '../../src/session/seal';
import { ManualClock, startMastraServer, startWorkOSEmulator, type RunningMastraServer, type WorkOSEmulator } from '../../src/testing';
import { requireRedisInCI, startRedisServer, type RunningRedis } from '../helpers/redis-server';
import { createMockAgent } from '../helpers/mock-agent';
import { CaptureLogger } from '../support/capture-logger';
import { cookieRequest, pair, PASSWORD, signIn } from '../session/helpers';
import { eventually, openFleet, storedText, type StoreFleet } from './fleet';

const suite = requireRedisInCI() ? describe : describe.skip;

/** Short bounds so the fault cases stay quick. */
const STORE_OPTIONS = { commandTimeoutMs: 100, retryIntervalMs: 50, lockWaitMs: 200 };

let redis: RunningRedis;
let emu: WorkOSEmulator;
let fleet: StoreFleet;
const clock = new ManualClock();
let alice: { id: string };

const expire = (): void => clock.advance(310_000);
const sidOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sid as string;

function instances(): Array<{ auth: MastraAuthWorkos; logger: CaptureLogger }> {
  return fleet.stores.map((store) => {
    const logger = new CaptureLogger();
    return { auth: new MastraAuthWorkos({ ...emu.connection, clock, logger, store, session: { cookiePassword: PASSWORD } }), logger };
  });
}

function count(logger: CaptureLogger, reason: string): number {
  return logger.reasons().filter((r) => r === reason).length;
}

suite('session refresh on a shared Redis store', () => {
  beforeAll(async () => {
    process.env.MASTRA_TELEMETRY_DISABLED = 'true';
    [redis, emu] = await Promise.all([startRedisServer(), startWorkOSEmulator({ clock })]);
    alice = emu.createUser({ email: 'alice@fleet-session.test', firstName: 'Alice' });
  });

  afterAll(async () => {
    await emu?.stop();
    await redis?.stop();
  });

  beforeEach(async () => {
    fleet = await openFleet(redis.url, 3, STORE_OPTIONS);
    emu.resetCalls();
    emu.clearFaults();
  });

  afterEach(async () => {
    redis.resume();
    await fleet.close();
  });

  it('30 concurrent requests with one expired cookie over 3 Mastra servers: 1 refresh grant, all 200, one new cookie', async () => {
    const fleetAuth = instances();
    const servers: RunningMastraServer[] = [];
    try {
      for (const { auth } of fleetAuth) {
        const mastra = new Mastra({ agents: { weatherAgent: createMockAgent({ id: 'weatherAgent', reply: 'Sunny.' }) }, logger: false, server: { auth } });
        servers.push(await startMastraServer(mastra));
      }
      const { sealed, result } = await signIn(fleetAuth[0]!.auth, alice.id);
      const cookie = `wos_session=${sealed}`;
      expire();
      emu.resetCalls();
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => fetch(`${servers[i % 3]!.baseUrl}/api/agents`, { headers: { cookie } })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
      const cookies = responses.map((response) => pair(response.headers.getSetCookie().find((line) => line.startsWith('wos_session=')) ?? ''));
      expect(new Set(cookies).size).toBe(1);
      expect(cookies[0]).toMatch(/^wos_session=Fe26\.2\*/);
      expect(cookies[0]).not.toBe(cookie);
      expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(1);
      expect(emu.callCount('authenticate')).toBe(1);
      expect(fleetAuth.map(({ auth }) => auth.getStats().sessionRefreshGrants).reduce((a, b) => a + b)).toBe(1);
      // The new cookie works on every instance, with no further grant.
      for (const server of servers) expect((await fetch(`${server.baseUrl}/api/agents`, { headers: { cookie: cookies[0]! } })).status).toBe(200);
      expect(emu.callCount('authenticate')).toBe(1);
      for (const { logger } of fleetAuth) expect(logger.lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });

  it('the grace entry: keyed by the refresh token hash, sealed (not a cookie, not a token), 60 s; a stale cookie on another instance sees the user', async () => {
    const [a, b, c] = instances().map(({ auth }) => auth);
    const { sealed, result } = await signIn(a!, alice.id);
    expire();
    const refreshed = await a!.refreshSession(sealed);
    expect(refreshed).not.toBeNull();
    // Late callers elsewhere get the same cookie, without a grant.
    expect((await b!.refreshSession(sealed))?.id).toBe(refreshed!.id);
    expect(await c!.getCurrentUser(cookieRequest(`wos_session=${sealed}`))).toMatchObject({ id: alice.id });
    expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(1);

    const keys = await fleet.admin.keys(`${fleet.prefix}:*:session:refresh:*`);
    expect(keys).toEqual([`${fleet.prefix}:${emu.clientId}:session:refresh:v:0:0:${encodeURIComponent(keyOf(result.tokens.refreshToken!))}`]);
    const ttl = await fleet.admin.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const raw = (await fleet.admin.get(keys[0]!))!;
    expect(raw.startsWith('Fe26.2*')).toBe(true);
    expect(raw).not.toContain(refreshed!.id);
    // Sealed with the cookie password around the new cookie; as a cookie itself it is no session.
    expect(await unsealData(raw, PASSWORD)).toEqual({ k: 'mastra-auth-workos/refresh-grace', cookie: refreshed!.id });
    expect(await b!.authenticateToken(raw, cookieRequest('') as never)).toBeNull();
  });

  it('a dead refresh token (revoked session) is one grant for the fleet too', async () => {
    const [a, b, c] = instances().map(({ auth }) => auth);
    const { sealed, result } = await signIn(a!, alice.id);
    emu.revokeSession(sidOf(result.tokens.accessToken));
    expire();
    emu.resetCalls();
    const sessions = await Promise.all(Array.from({ length: 9 }, (_, i) => [a, b, c][i % 3]!.refreshSession(sealed)));
    expect(sessions).toEqual(Array(9).fill(null));
    expect(emu.callCount('authenticate')).toBe(1);
  });

  it('logout on one instance removes the grace entry from Redis', async () => {
    const [a, b] = instances().map(({ auth }) => auth);
    const { sealed } = await signIn(a!, alice.id);
    expire();
    expect(await a!.refreshSession(sealed)).not.toBeNull();
    await a!.destroySession(sealed);
    emu.resetCalls();
    // b heard of the logout: it refuses the ended session without asking WorkOS.
    await eventually(async () => (await b!.refreshSession(sealed)) === null, 'b refuses the ended session');
    expect(emu.callCount('authenticate')).toBe(0);
    // An instance started after the logout (it heard nothing) finds no grace entry: it asks WorkOS,
    // which refuses the spent token.
    const late = instances()[0]!.auth;
    expect(await late.refreshSession(sealed)).toBeNull();
    expect(emu.callCount('authenticate')).toBe(1);
  });

  it('logout on one instance: every other instance refuses the old cookie at once, while its access token still lives', async () => {
    const [a, b, c] = instances().map(({ auth }) => auth);
    const { sealed } = await signIn(a!, alice.id);
    const cookie = cookieRequest(`wos_session=${sealed}`);
    expect((await b!.authenticateToken('', cookie))?.id).toBe(alice.id); // b and c have opened the cookie
    expect((await c!.authenticateToken('', cookie))?.id).toBe(alice.id);
    await a!.destroySession(sealed);
    expect(await a!.authenticateToken('', cookie)).toBeNull();
    // Pub/sub delivery is asynchronous: poll (bounded), no clock moves, the access token is unexpired.
    await eventually(async () => (await b!.authenticateToken('', cookie)) === null && (await c!.authenticateToken('', cookie)) === null, 'b and c refuse the ended session');
    expect(await b!.validateSession(sealed)).toBeNull();
    // Only a hash of the session id reached Redis.
    expect(await storedText(fleet)).not.toContain(sidOf(((await unsealData(sealed, PASSWORD)) as { accessToken: string }).accessToken));
  });

  it('Redis down: refreshes go on per instance (one grant for 10 concurrent requests), logged once', async () => {
    const fleetAuth = instances();
    const { auth } = fleetAuth[1]!;
    const { sealed, result } = await signIn(auth, alice.id);
    await redis.kill();
    await eventually(() => fleet.stores.every((store) => !store.available), 'every client noticed');
    expire();
    emu.resetCalls();
    const sessions = await Promise.all(Array.from({ length: 10 }, () => auth.refreshSession(sealed)));
    expect(sessions.every((session) => session !== null)).toBe(true);
    expect(new Set(sessions.map((session) => session?.id)).size).toBe(1);
    expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(1);
    expect(count(fleetAuth[1]!.logger, 'store_unavailable')).toBe(1);
    await redis.restart();
    await eventually(() => fleet.stores.every((store) => store.available), 'every store is available again', 10_000);
  }, 20_000);

  it('Redis dies while the lock holder waits for WorkOS: the refresh still succeeds, and is logged', async () => {
    const fleetAuth = instances();
    const { auth, logger } = fleetAuth[0]!;
    const { sealed, result } = await signIn(auth, alice.id);
    expire();
    emu.resetCalls();
    emu.injectFault('authenticate', { delayResponseMs: 300, times: 1 });
    const pending = Promise.all(Array.from({ length: 5 }, () => auth.refreshSession(sealed)));
    await eventually(() => emu.callCount('authenticate') === 1, 'the grant reached WorkOS');
    // This instance holds the fleet's refresh lock for the session.
    const lockKey = `${fleet.prefix}:${emu.clientId}:session:refresh:v:0:0:${encodeURIComponent(keyOf(result.tokens.refreshToken!))}:lock`;
    expect(await fleet.admin.exists(lockKey)).toBe(1);
    await redis.kill();
    const sessions = await pending;
    expect(sessions.every((session) => session !== null)).toBe(true);
    expect(new Set(sessions.map((session) => session?.id)).size).toBe(1);
    expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(1);
    expect(count(logger, 'store_unavailable')).toBe(1);
    await redis.restart();
    await eventually(() => fleet.stores.every((store) => store.available), 'every store is available again', 10_000);
  }, 20_000);

  it('a lock holder that died: the waiter refreshes locally after lockWaitMs, once per instance, and says so', async () => {
    const fleetAuth = instances();
    const { auth, logger } = fleetAuth[2]!;
    const { sealed, result } = await signIn(auth, alice.id);
    const lockKey = `${fleet.prefix}:${emu.clientId}:session:refresh:v:0:0:${encodeURIComponent(keyOf(result.tokens.refreshToken!))}:lock`;
    await fleet.admin.set(lockKey, 'dead-instance', 'PX', 60_000);
    expire();
    emu.resetCalls();
    const sessions = await Promise.all(Array.from({ length: 5 }, () => auth.refreshSession(sealed)));
    expect(sessions.every((session) => session !== null)).toBe(true);
    expect(emu.callCount('authenticate')).toBe(1);
    expect(count(logger, 'session_refresh_lock_wait_expired')).toBe(1);
    expect(logger.text).not.toContain(result.tokens.refreshToken!);
  });

  it('nothing stored in Redis is a token, a cookie, or part of one (sessions included)', async () => {
    const fleetAuth = instances().map(({ auth }) => auth);
    const { sealed, result } = await signIn(fleetAuth[0]!, alice.id);
    expire();
    const refreshed = await Promise.all(fleetAuth.map((auth) => auth.refreshSession(sealed)));
    const fresh = refreshed[0]!.id;
    expect(refreshed.map((session) => session?.id)).toEqual([fresh, fresh, fresh]);
    await Promise.all(fleetAuth.map((auth) => auth.getCurrentUser(cookieRequest(`wos_session=${fresh}`))));
    const opened = (await unsealData(fresh, PASSWORD)) as { accessToken: string; refreshToken: string };
    const stored = await storedText(fleet);
    expect(stored).toContain(':session:refresh:');
    const secrets = [result.tokens.accessToken, result.tokens.refreshToken!, opened.accessToken, opened.refreshToken];
    for (const secret of secrets) for (const part of secret.split('.')) expect(stored).not.toContain(part);
    for (const cookie of [sealed, fresh]) for (const part of cookie.split('*').filter((p) => p.length > 16)) expect(stored).not.toContain(part);
  });
});
