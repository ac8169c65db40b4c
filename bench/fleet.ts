/**
 * Fleet mode: three provider instances sharing one real redis-server (started here on loopback,
 * persistence off, stopped at the end), against the emulator. WorkOS calls are counted by the
 * emulator; latencies are wall-clock on this machine.
 */
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import { Redis } from 'ioredis';
import { MastraAuthWorkos } from '../src';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from '../src/store';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../src/testing';
import { startMastraServer, type RunningMastraServer } from '../test/helpers/mastra-server';
import { createMockAgent } from '../test/helpers/mock-agent';
import { startRedisServer, type RunningRedis } from '../test/helpers/redis-server';
import { mintDistinctTokens } from './tokens';
import { measureVerifyCost, type VerifyCostResult } from './verify-cost';

export interface FleetResult {
  tenUsers: { withStore: number; withoutStore: number };
  coldBurstGetUser: number;
  /** 30 concurrent requests with one expired cookie over 3 Mastra servers, with and without the store. */
  sessionRefresh: { requests: number; withStore: RefreshBurst; withoutStore: RefreshBurst };
  warm: VerifyCostResult;
  outage: {
    seconds: number;
    requests: number;
    failed: number;
    /** Median latency of a cold request (new user: local miss, getUser from the emulator), ms. */
    coldMedianMs: { noStore: number; redisUp: number; redisDown: number; noStoreWhileUp: number; duringTraffic: number };
    /** Redis hung (SIGSTOP): the worst request (pays the command timeout once) and the median after it. */
    hung: { firstMs: number; medianAfterMs: number; commandTimeoutMs: number };
    /** Seconds from Redis answering again to every instance sharing again. */
    resumeSec: number;
  };
}

export interface RefreshBurst {
  /** Refresh grants sent to WorkOS (the emulator's `authenticate` calls during the burst). */
  grants: number;
  /** Of those, grants WorkOS accepted (the emulator's per-session refresh counter). */
  accepted: number;
  /** Requests answered 200. */
  ok: number;
  /** Distinct new cookies handed out. */
  cookies: number;
}

let bench = 0;
/** Every store set opened, closed at the end even when a phase throws (or the process would hang). */
const opened: Array<{ close(): Promise<void> }> = [];
let userCount = 0;

async function openStores(redis: RunningRedis, options: RedisStoreOptions = {}): Promise<{ stores: RedisStore[]; close(): Promise<void> }> {
  bench += 1;
  const clients = [0, 1, 2].map(() => new Redis(redis.url, { lazyConnect: true }));
  await Promise.all(clients.map((client) => client.connect()));
  for (const client of clients) client.on('error', () => undefined);
  const stores = clients.map((client) => createRedisStore(client, { prefix: `bench${bench}`, ...options }));
  let closed = false;
  const set = {
    stores,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(stores.map((store) => store.close()));
      for (const client of clients) client.disconnect();
    },
  };
  opened.push(set);
  return set;
}

function fleetOf(emu: WorkOSEmulator, stores: Array<RedisStore | undefined>): MastraAuthWorkos[] {
  return stores.map((store) => new MastraAuthWorkos({ ...emu.connection, logger: noopLogger, ...(store && { store }) }));
}

async function newUserToken(emu: WorkOSEmulator): Promise<string> {
  userCount += 1;
  const user = emu.createUser({ email: `fleet-bench-${userCount}@bench.test` });
  const [token] = await mintDistinctTokens(emu, 1, { sub: user.id });
  return token!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

async function timedAuth(auth: MastraAuthWorkos, token: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  const user = await auth.authenticateToken(token);
  return { ms: performance.now() - started, ok: user !== null };
}

async function until(condition: () => boolean, maxMs: number): Promise<void> {
  const started = performance.now();
  while (!condition() && performance.now() - started < maxMs) await new Promise((resolve) => setTimeout(resolve, 10));
}

export async function measureFleet(emu: WorkOSEmulator, options: { rounds: number; outageSec: number }): Promise<FleetResult> {
  const redis = await startRedisServer();
  try {
    // 1,000 requests from 10 users over 3 instances, 10 in flight.
    const users = await Promise.all(
      Array.from({ length: 10 }, async () => {
        userCount += 1;
        const user = emu.createUser({ email: `fleet-ten-${userCount}@bench.test` });
        return mintDistinctTokens(emu, 5, { sub: user.id });
      }),
    );
    const tenUsers = { withStore: 0, withoutStore: 0 };
    for (const shared of [true, false]) {
      const opened = shared ? await openStores(redis) : undefined;
      const auths = fleetOf(emu, opened ? opened.stores : [undefined, undefined, undefined]);
      emu.resetCalls();
      for (let wave = 0; wave < 1000; wave += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => {
            const n = wave + i;
            return auths[n % 3]!.authenticateToken(users[n % 10]![Math.floor(n / 10) % 5]!);
          }),
        );
      }
      tenUsers[shared ? 'withStore' : 'withoutStore'] = emu.callCount('getUser') + emu.callCount('listOrganizationMemberships');
      await opened?.close();
    }

    // 30 concurrent cold requests of one user over 3 instances.
    const burst = await openStores(redis);
    const burstAuth = fleetOf(emu, burst.stores);
    const burstToken = await newUserToken(emu);
    emu.resetCalls();
    await Promise.all(Array.from({ length: 30 }, (_, i) => burstAuth[i % 3]!.authenticateToken(burstToken)));
    const coldBurstGetUser = emu.callCount('getUser');
    await burst.close();

    const sessionRefresh = await measureSessionRefresh(redis, 30);

    // Warm path with the store configured: identical to memory-only (no Redis on a local hit).
    const warmStores = await openStores(redis);
    const warm = await measureVerifyCost(emu, { rounds: options.rounds, warmup: 300, distinctBatch: 25, repeatedBatch: 200, store: warmStores.stores[0]! });
    await warmStores.close();

    const outage = await measureOutage(emu, redis, options.outageSec);
    return { tenUsers, coldBurstGetUser, sessionRefresh, warm, outage };
  } finally {
    for (const set of opened.splice(0)) await set.close();
    await redis.stop();
  }
}

const COOKIE_PASSWORD = 'bench-cookie-password-of-at-least-32-characters';

/**
 * `requests` concurrent requests carrying one expired session cookie, spread over 3 Mastra servers
 * (each its own provider, and its own store on the shared Redis, or none). Its own emulator, on a
 * manual clock shared with the providers, so the cookie can expire without waiting.
 */
async function measureSessionRefresh(redis: RunningRedis, requests: number): Promise<FleetResult['sessionRefresh']> {
  const clock = new ManualClock();
  const emu = await startWorkOSEmulator({ clock });
  const workos = emu.createWorkOSClient();
  try {
    const user = emu.createUser({ email: 'fleet-session@bench.test', firstName: 'Fleet' });
    const burst = async (shared: boolean): Promise<RefreshBurst> => {
      const set = shared ? await openStores(redis) : undefined;
      const stores = set ? set.stores : [undefined, undefined, undefined];
      const auths = stores.map(
        (store) => new MastraAuthWorkos({ ...emu.connection, clock, logger: noopLogger, session: { cookiePassword: COOKIE_PASSWORD }, ...(store && { store }) }),
      );
      const servers: RunningMastraServer[] = [];
      try {
        for (const auth of auths) {
          servers.push(
            await startMastraServer(new Mastra({ agents: { benchAgent: createMockAgent({ id: 'benchAgent', reply: 'ok' }) }, logger: false, server: { auth } })),
          );
        }
        const response = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code: emu.issueAuthorizationCode({ userId: user.id }) });
        const session = await auths[0]!.createSession(user.id, { accessToken: response.accessToken, refreshToken: response.refreshToken });
        const sid = JSON.parse(Buffer.from(response.accessToken.split('.')[1] ?? '', 'base64url').toString()).sid as string;
        clock.advance(310_000);
        emu.resetCalls();
        const answers = await Promise.all(
          Array.from({ length: requests }, async (_, i) => {
            const res = await fetch(`${servers[i % 3]!.baseUrl}/api/agents`, { headers: { cookie: `wos_session=${session.id}` } });
            await res.arrayBuffer();
            const cookie = res.headers.getSetCookie().find((line) => line.startsWith('wos_session=')) ?? '';
            return { ok: res.status === 200, cookie: cookie.split(';')[0] ?? '' };
          }),
        );
        return {
          grants: emu.callCount('authenticate'),
          accepted: emu.session(sid)?.refreshCount ?? 0,
          ok: answers.filter((answer) => answer.ok).length,
          cookies: new Set(answers.filter((answer) => answer.ok).map((answer) => answer.cookie)).size,
        };
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
        await set?.close();
      }
    };
    const withStore = await burst(true);
    const withoutStore = await burst(false);
    return { requests, withStore, withoutStore };
  } finally {
    await emu.stop();
  }
}

/** Steady traffic (warm and cold users over 3 instances) through a Redis outage, then a hang. */
async function measureOutage(emu: WorkOSEmulator, redis: RunningRedis, outageSec: number): Promise<FleetResult['outage']> {
  const opened = await openStores(redis);
  const auths = fleetOf(emu, opened.stores);
  const alone = fleetOf(emu, [undefined])[0]!;
  const warmTokens = await Promise.all(Array.from({ length: 10 }, () => newUserToken(emu)));
  for (const [i, token] of warmTokens.entries()) await auths[i % 3]!.authenticateToken(token);

  const cold = async (auth: MastraAuthWorkos, samples: number): Promise<number[]> => {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i += 1) latencies.push((await timedAuth(auth, await newUserToken(emu))).ms);
    return latencies;
  };
  /** Cold requests alternating between a fleet instance and a memory-only provider (same conditions). */
  const pairedCold = async (samples: number): Promise<{ fleet: number; alone: number }> => {
    const fleet: number[] = [];
    const single: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      fleet.push((await timedAuth(auths[0]!, await newUserToken(emu))).ms);
      single.push((await timedAuth(alone, await newUserToken(emu))).ms);
    }
    return { fleet: median(fleet), alone: median(single) };
  };
  await pairedCold(20); // warm-up
  const up = await pairedCold(60);

  let requests = 0;
  let failed = 0;
  let running = true;
  const downLatencies: number[] = [];
  let down = false;
  const startTraffic = (): Promise<void> => (async () => {
    let n = 0;
    while (running) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          n += 1;
          const auth = auths[n % 3]!;
          const isCold = i === 0;
          const result = await timedAuth(auth, isCold ? await newUserToken(emu) : warmTokens[n % 10]!);
          if (isCold && down) downLatencies.push(result.ms);
          return result.ok;
        }),
      );
      requests += batch.length;
      failed += batch.filter((ok) => !ok).length;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const traffic = startTraffic();

  await new Promise((resolve) => setTimeout(resolve, 500));
  await redis.kill();
  await until(() => opened.stores.every((store) => !store.available), 2_000);
  down = true;
  await new Promise((resolve) => setTimeout(resolve, outageSec * 1000));
  down = false;
  running = false;
  await traffic;
  const whileDown = await pairedCold(60);
  running = true;
  const after = startTraffic();
  await redis.restart();
  const back = performance.now();
  await until(() => opened.stores.every((store) => store.available), 15_000);
  const resumeSec = (performance.now() - back) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500));
  running = false;
  await after;

  // A hung Redis (SIGSTOP): the first request waits the command timeout once; then none do.
  const commandTimeoutMs = 250;
  redis.pause();
  const hungLatencies = await cold(auths[1]!, 20);
  redis.resume();
  await opened.close();
  return {
    seconds: outageSec,
    requests,
    failed,
    coldMedianMs: { noStore: whileDown.alone, redisUp: up.fleet, redisDown: whileDown.fleet, noStoreWhileUp: up.alone, duringTraffic: median(downLatencies) },
    hung: { firstMs: hungLatencies[0]!, medianAfterMs: median(hungLatencies.slice(1)), commandTimeoutMs },
    resumeSec,
  };
}
