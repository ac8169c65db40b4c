/**
 * Test support for fleet mode: N "instances" (each its own ioredis client, store and providers)
 * against one real redis-server, as N app processes behind a load balancer would be.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from '../../src/store';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { startRedisServer, type RunningRedis } from '../helpers/redis-server';

let fleets = 0;

export interface StoreFleet {
  readonly stores: RedisStore[];
  readonly clients: Redis[];
  /** A raw client for assertions (keys, INFO). */
  readonly admin: Redis;
  /** The key prefix of this fleet (one per fleet, so tests never share entries). */
  readonly prefix: string;
  close(): Promise<void>;
}

/** `size` instances' stores on `url`, each on its own connection, with a fresh key prefix. */
export async function openFleet(url: string, size: number, options: RedisStoreOptions = {}): Promise<StoreFleet> {
  fleets += 1;
  const prefix = `fleet${fleets}-${process.pid}`;
  const clients = Array.from({ length: size }, () => new Redis(url, { lazyConnect: true }));
  const admin = new Redis(url, { lazyConnect: true });
  await Promise.all([...clients, admin].map((client) => client.connect()));
  // The clients log their reconnect errors as events; tests assert on our logs, not theirs.
  for (const client of [...clients, admin]) client.on('error', () => undefined);
  const stores = clients.map((client) => createRedisStore(client, { prefix, ...options }));
  return {
    stores,
    clients,
    admin,
    prefix,
    async close() {
      await Promise.all(stores.map((store) => store.close()));
      for (const client of [...clients, admin]) client.disconnect();
    },
  };
}

export interface FleetWorld {
  redis: RunningRedis;
  emu: WorkOSEmulator;
  fleet: StoreFleet;
}

/**
 * Per file: a real redis-server and an emulator (`seed` runs once on it), stopped after the file.
 * Per test: a fresh fleet of `size` instances with its own key prefix, closed after the test, and
 * the emulator's call counts reset. `bind` receives them before each test.
 */
export function useFleetWorld(
  bind: (world: FleetWorld) => void,
  options: { size?: number; seed?: (emu: WorkOSEmulator) => void } = {},
): void {
  let redis: RunningRedis | undefined;
  let emu: WorkOSEmulator | undefined;
  let fleet: StoreFleet | undefined;
  beforeAll(async () => {
    [redis, emu] = await Promise.all([startRedisServer(), startWorkOSEmulator()]);
    options.seed?.(emu);
  });
  afterAll(async () => {
    await emu?.stop();
    await redis?.stop();
  });
  beforeEach(async () => {
    fleet = await openFleet(redis!.url, options.size ?? 3);
    emu!.resetCalls();
    bind({ redis: redis!, emu: emu!, fleet });
  });
  afterEach(async () => {
    await fleet?.close();
  });
}

/** Redis commands processed since the server started (INFO stats), minus the INFO calls themselves. */
export async function commandsProcessed(admin: Redis): Promise<number> {
  const info = await admin.info('stats');
  const match = /total_commands_processed:(\d+)/.exec(info);
  return Number(match?.[1] ?? 0);
}

/** Polls (bounded, 5 ms steps) until `condition` holds: for messages still on their way. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, maxMs = 2_000): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < maxMs) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out after ${maxMs} ms waiting until ${what}`);
}

/** Every key of the fleet and every value (strings, set members), as one string: for "nothing secret stored" checks. */
export async function storedText(fleet: StoreFleet): Promise<string> {
  const keys = await fleet.admin.keys(`${fleet.prefix}:*`);
  const values = await Promise.all(
    keys.map(async (key) => ((await fleet.admin.type(key)) === 'string' ? await fleet.admin.get(key) : (await fleet.admin.smembers(key)).join(' '))),
  );
  return [...keys, ...values].join('\n');
}
