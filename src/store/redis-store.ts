import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OptionValidator, isRecord } from '../shared/options';
import {
  StoreUnavailableError,
  type SharedStore,
  type StoreFillLock,
  type StoreInvalidation,
  type StoreNamespace,
  type StoreRead,
} from '../shared/store';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key and of the invalidation channel. Default `mastra-auth-workos`. */
  prefix?: string;
  /**
   * Longest a request waits for one Redis command, in ms, before going on without Redis (and
   * skipping it until it answers again). Default 250. The client's own queueing and retries are
   * not waited for.
   */
  commandTimeoutMs?: number;
  /** How long a fill lock is held at most (covers the slowest WorkOS load), in ms. Default 10 000. */
  lockTtlMs?: number;
  /** Longest an instance waits for another one's WorkOS call before calling itself, in ms. Default 3000. */
  lockWaitMs?: number;
  /** While Redis is unavailable, how often it is probed, in ms. Default 1000. */
  retryIntervalMs?: number;
}

/** What the Redis tier needs of an `ioredis` client (a `Redis` instance; Cluster is not supported). */
export type RedisClient = Pick<Redis, 'status' | 'evalsha' | 'eval' | 'smembers' | 'ping' | 'duplicate' | 'on' | 'off'>;

/** A Redis-backed {@link SharedStore}; `close()` ends its subscriber connection (your client stays yours). */
export interface RedisStore extends SharedStore {
  readonly kind: 'redis';
  /** Stops the subscriber connection and the recovery probe. Idempotent. */
  close(): Promise<void>;
}

interface Handle {
  base: string;
  group: string;
  key: string;
  token: string;
  /** The value's full Redis key at lock time (epoch and generation included). */
  valueKey: string;
}

/** Generation keys outlive any value (values live ≤ 300 s), so an expired generation revives nothing. */
const GENERATION_TTL_MS = 3_600_000;
/** Invalidations kept while Redis is down, replayed when it returns; beyond this, whole namespaces are. */
const MAX_PENDING_GROUPS = 10_000;

/**
 * One round trip on a miss: the value (with its remaining TTL) if present, else the fill lock if
 * free. Keys carry the namespace epoch and the group's generation, so invalidating a user or a
 * namespace is one INCR and stale entries are simply never read again (they expire on their own).
 */
const READ_OR_LOCK = `
local base, group, key, token, lockTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local epoch = redis.call('GET', base .. ':epoch') or '0'
local gen = redis.call('GET', base .. ':gen:' .. group) or '0'
local k = base .. ':v:' .. epoch .. ':' .. gen .. ':' .. key
local v = redis.call('GET', k)
if v then return {1, v, redis.call('PTTL', k)} end
if redis.call('SET', k .. ':lock', token, 'NX', 'PX', lockTtl) then return {2, k} end
return {0, k}
`;

/** Stores a loaded value only if we still hold its lock and nothing was invalidated since. */
const FILL = `
local base, group, key, token, value, ttl, held = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local lockKey = held .. ':lock'
local mine = redis.call('GET', lockKey) == token
if mine then redis.call('DEL', lockKey) end
local epoch = redis.call('GET', base .. ':epoch') or '0'
local gen = redis.call('GET', base .. ':gen:' .. group) or '0'
local k = base .. ':v:' .. epoch .. ':' .. gen .. ':' .. key
if (not mine) or k ~= held then return 0 end
redis.call('SET', k, value, 'PX', ttl)
for i = 8, #ARGV do
  local idx = base .. ':idx:' .. ARGV[i]
  redis.call('SADD', idx, key)
  if redis.call('PTTL', idx) < tonumber(ttl) then redis.call('PEXPIRE', idx, ttl) end
end
return 1
`;

const RELEASE = `
if redis.call('GET', ARGV[1]) == ARGV[2] then redis.call('DEL', ARGV[1]) end
return 1
`;

/** Bumps a group's generation (or the namespace epoch) and tells every instance, atomically. */
const INVALIDATE = `
local base, whole, group, channel, message = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if whole == '1' then
  redis.call('INCR', base .. ':epoch')
else
  local g = base .. ':gen:' .. group
  redis.call('INCR', g)
  redis.call('PEXPIRE', g, ARGV[6])
end
redis.call('PUBLISH', channel, message)
return 1
`;

const SCRIPTS = { READ_OR_LOCK, FILL, RELEASE, INVALIDATE } as const;
type ScriptName = keyof typeof SCRIPTS;
const SHAS = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, source]) => [name, createHash('sha1').update(source).digest('hex')]),
) as Record<ScriptName, string>;

/** A store-safe segment: no `:` or whitespace, so composed keys cannot collide. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

interface WireMessage {
  /** The store instance that published it (its own messages are not applied twice). */
  o: string;
  /** Namespace. */
  n: string;
  /** Group, absent for the whole namespace. */
  g?: string;
}

/**
 * The shared store on an `ioredis` client you create (credentials, TLS, Sentinel: all configured
 * there). Pass the result as the `store` option of `MastraAuthWorkos`, `MastraRBACWorkos` and
 * `MastraFGAWorkos`.
 *
 * Fault behaviour: every command is bounded by `commandTimeoutMs`; while the client is not
 * connected, or after a command failed or timed out, Redis is skipped without waiting and probed
 * every `retryIntervalMs`; invalidations made meanwhile are replayed when it answers again, and
 * an instance whose subscription dropped forgets its local entries (it may have missed some).
 */
export function createRedisStore(client: Redis, options: RedisStoreOptions = {}): RedisStore {
  return new RedisSharedStore(client, options);
}

class RedisSharedStore implements RedisStore {
  readonly kind = 'redis' as const;
  readonly lockWaitMs: number;
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #commandTimeoutMs: number;
  readonly #lockTtlMs: number;
  readonly #retryIntervalMs: number;
  readonly #id = randomUUID();
  readonly #namespaces = new Map<string, Set<StoreNamespace>>();
  /** Invalidations that could not reach Redis: namespace → groups (`null`: the whole namespace). */
  readonly #pending = new Map<string, Set<string> | null>();
  #pendingGroups = 0;
  #subscriber: RedisClient | undefined;
  #subscriberLost = false;
  #open = false;
  #probe: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #onClientReady = (): void => {
    if (this.#open || this.#pending.size > 0) void this.#tryRecover();
  };
  readonly #onClientClose = (): void => {
    this.#trip(new StoreUnavailableError('disconnected'));
  };

  constructor(client: Redis, options: RedisStoreOptions) {
    const check = new OptionValidator('createRedisStore');
    const candidate = client as unknown as Record<string, unknown>;
    if (!isRecord(client) || typeof candidate.evalsha !== 'function' || typeof candidate.duplicate !== 'function') {
      check.fail('client', 'the first argument must be an `ioredis` client (`new Redis(...)`); Redis Cluster is not supported.');
    }
    if (!isRecord(options)) check.fail('options', 'options must be an object.');
    const prefix = check.optionalString('prefix', options.prefix) ?? 'mastra-auth-workos';
    if (/\s/.test(prefix)) check.fail('prefix', '`prefix` must not contain whitespace.');
    this.#client = client;
    this.#prefix = prefix;
    this.#channel = `${prefix}:invalidate`;
    this.#commandTimeoutMs = check.number('commandTimeoutMs', options.commandTimeoutMs, 250, { integer: true, max: 60_000 });
    this.#lockTtlMs = check.number('lockTtlMs', options.lockTtlMs, 10_000, { integer: true, max: 600_000 });
    this.lockWaitMs = check.number('lockWaitMs', options.lockWaitMs, 3_000, { allowZero: true, integer: true, max: 600_000 });
    this.#retryIntervalMs = check.number('retryIntervalMs', options.retryIntervalMs, 1_000, { integer: true, max: 600_000 });
    client.on('ready', this.#onClientReady);
    client.on('close', this.#onClientClose);
  }

  get available(): boolean {
    return !this.#closed && !this.#open && this.#client.status === 'ready';
  }

  register(namespace: StoreNamespace): () => void {
    let listeners = this.#namespaces.get(namespace.name);
    if (!listeners) {
      listeners = new Set();
      this.#namespaces.set(namespace.name, listeners);
    }
    listeners.add(namespace);
    this.#subscribe();
    return () => {
      listeners.delete(namespace);
    };
  }

  async readOrLock(namespace: string, group: string, key: string): Promise<StoreRead> {
    const base = this.#base(namespace);
    const token = randomUUID();
    const reply = (await this.#script('READ_OR_LOCK', [base, segment(group), segment(key), token, String(this.#lockTtlMs)])) as [
      number,
      string,
      number?,
    ];
    if (reply[0] === 1) return { kind: 'hit', value: reply[1], ttlMs: Number(reply[2]) };
    if (reply[0] === 2) {
      const handle: Handle = { base, group: segment(group), key: segment(key), token, valueKey: reply[1] };
      return { kind: 'locked', handle };
    }
    return { kind: 'busy' };
  }

  async fill(lock: StoreFillLock, value: string, ttlMs: number, indexes: readonly string[] = []): Promise<boolean> {
    const handle = lock.handle as Handle;
    const reply = await this.#script('FILL', [
      handle.base,
      handle.group,
      handle.key,
      handle.token,
      value,
      String(Math.max(1, Math.ceil(ttlMs))),
      handle.valueKey,
      ...indexes.map(segment),
    ]);
    return reply === 1;
  }

  async release(lock: StoreFillLock): Promise<void> {
    const handle = lock.handle as Handle;
    await this.#script('RELEASE', [`${handle.valueKey}:lock`, handle.token]);
  }

  async readIndex(namespace: string, index: string): Promise<string[]> {
    const members = await this.#run(() => this.#client.smembers(`${this.#base(namespace)}:idx:${segment(index)}`));
    return members.map((member) => decodeURIComponent(member));
  }

  async invalidate(namespace: string, group: string | undefined): Promise<void> {
    // Co-located caches of the same namespace hear it at once, Redis or not.
    this.#deliver(namespace, group === undefined ? { op: 'all' } : { op: 'group', group }, undefined);
    if (!this.available) {
      this.#queue(namespace, group);
      return;
    }
    try {
      await this.#publish(namespace, group);
    } catch {
      this.#queue(namespace, group);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.off('ready', this.#onClientReady);
    this.#client.off('close', this.#onClientClose);
    if (this.#probe) clearInterval(this.#probe);
    this.#probe = undefined;
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) {
      try {
        await withTimeout((subscriber as unknown as Redis).quit(), this.#commandTimeoutMs);
      } catch {
        (subscriber as unknown as Redis).disconnect();
      }
    }
  }

  // ---- internals ----

  #base(namespace: string): string {
    return `${this.#prefix}:${namespace}`;
  }

  #publish(namespace: string, group: string | undefined, probe = false): Promise<unknown> {
    const message: WireMessage = { o: this.#id, n: namespace, ...(group !== undefined && { g: group }) };
    return this.#script('INVALIDATE', [
      this.#base(namespace),
      group === undefined ? '1' : '0',
      group === undefined ? '' : segment(group),
      this.#channel,
      JSON.stringify(message),
      String(GENERATION_TTL_MS),
    ], probe);
  }

  #queue(namespace: string, group: string | undefined): void {
    const groups = this.#pending.get(namespace);
    if (groups === null) return; // the whole namespace is already pending
    if (group === undefined || this.#pendingGroups >= MAX_PENDING_GROUPS) {
      if (groups) this.#pendingGroups -= groups.size;
      this.#pending.set(namespace, null);
      return;
    }
    if (groups) {
      if (!groups.has(group)) this.#pendingGroups += 1;
      groups.add(group);
    } else {
      this.#pending.set(namespace, new Set([group]));
      this.#pendingGroups += 1;
    }
  }

  /** Runs a script by SHA, loading it when Redis does not know it (first use, restart, SCRIPT FLUSH). */
  #script(name: ScriptName, args: string[], probe = false): Promise<unknown> {
    const run = async (): Promise<unknown> => {
      try {
        return await this.#client.evalsha(SHAS[name], 0, ...args);
      } catch (error) {
        if (!String((error as Error)?.message ?? '').startsWith('NOSCRIPT')) throw error;
        return this.#client.eval(SCRIPTS[name], 0, ...args);
      }
    };
    return probe ? withTimeout(run(), this.#commandTimeoutMs) : this.#run(run);
  }

  /** One bounded command: skipped at once while Redis is unavailable; a failure or timeout trips the breaker. */
  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError('disconnected');
    if (this.#open) throw new StoreUnavailableError('circuit_open');
    if (this.#client.status !== 'ready') throw new StoreUnavailableError('disconnected');
    try {
      return await withTimeout(command(), this.#commandTimeoutMs);
    } catch (error) {
      const failure =
        error instanceof StoreUnavailableError ? error : new StoreUnavailableError('command_failed', { cause: error });
      this.#trip(failure);
      throw failure;
    }
  }

  #trip(error: StoreUnavailableError): void {
    if (this.#open || this.#closed) return;
    this.#open = true;
    for (const listeners of this.#namespaces.values()) for (const listener of listeners) listener.onStoreError?.(error);
    this.#probe = setInterval(() => void this.#tryRecover(), this.#retryIntervalMs);
    this.#probe.unref();
  }

  #recovering = false;

  /** Probes Redis; when it answers, replays the invalidations it missed, then lets requests use it again. */
  async #tryRecover(): Promise<void> {
    if (this.#recovering || this.#closed || this.#client.status !== 'ready') return;
    this.#recovering = true;
    try {
      await withTimeout(this.#client.ping(), this.#commandTimeoutMs);
      for (const [namespace, groups] of [...this.#pending]) {
        if (groups === null) await this.#publish(namespace, undefined, true);
        else for (const group of groups) await this.#publish(namespace, group, true);
        this.#pending.delete(namespace);
        this.#pendingGroups -= groups?.size ?? 0;
      }
    } catch {
      return; // still down: the next probe tries again
    } finally {
      this.#recovering = false;
    }
    if (this.#probe) clearInterval(this.#probe);
    this.#probe = undefined;
    const wasOpen = this.#open;
    this.#open = false;
    if (wasOpen) for (const listeners of this.#namespaces.values()) for (const listener of listeners) listener.onStoreRecovered?.();
  }

  #subscribe(): void {
    if (this.#subscriber || this.#closed) return;
    const subscriber = this.#client.duplicate() as unknown as Redis;
    this.#subscriber = subscriber;
    // The subscriber is ours: its errors are expected while Redis is away (the client reconnects).
    subscriber.on('error', () => undefined);
    subscriber.on('close', () => {
      this.#subscriberLost = true;
    });
    subscriber.on('ready', () => {
      if (!this.#subscriberLost) return;
      this.#subscriberLost = false;
      // Messages published while we were away are lost: forget what we hold locally.
      for (const namespace of this.#namespaces.keys()) this.#deliver(namespace, { op: 'resync' }, undefined);
    });
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.#channel) return;
      let message: WireMessage;
      try {
        message = JSON.parse(raw) as WireMessage;
      } catch {
        return;
      }
      if (message.o === this.#id || typeof message.n !== 'string') return;
      this.#deliver(message.n, typeof message.g === 'string' ? { op: 'group', group: message.g } : { op: 'all' }, undefined);
    });
    subscriber.subscribe(this.#channel).catch(() => undefined);
  }

  #deliver(namespace: string, message: StoreInvalidation, except: StoreNamespace | undefined): void {
    for (const listener of this.#namespaces.get(namespace) ?? []) {
      if (listener === except) continue;
      try {
        listener.onInvalidation(message);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }
}

/** A real timer on purpose: it bounds a real network wait. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => undefined); // settled later by the client's own retries: never unhandled
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('timeout')), ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
