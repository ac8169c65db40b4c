/**
 * The contract between the package's caches and a store shared by every instance of an app (the
 * Redis tier in `src/store/` implements it; `createRedisStore` from `@mastra/auth-workos/redis`
 * builds one). Components never talk to Redis: they hand the store to the shared
 * {@link ReadThroughCache}, which asks its local LRU, then the store, then WorkOS.
 *
 * Names the cache uses:
 * - a **namespace** is one cache of one component for one WorkOS client
 *   (`<clientId>:auth:user`, `<clientId>:rbac:access`, ...);
 * - a **key** identifies one value in it; a **group** is what an invalidation names (a user id:
 *   every key of that user). Invalidating a group, or the whole namespace, is O(1) in the store.
 *
 * Every method is bounded by the store's own command timeout and rejects with
 * {@link StoreUnavailableError} when the store cannot answer: callers then go on without it.
 */

/** A value read from the store, with the time it has left there (ms). */
export interface StoreHit {
  kind: 'hit';
  value: string;
  ttlMs: number;
}

/** The caller holds the fill lock of a missing value: it loads, then {@link SharedStore.fill}s or releases. */
export interface StoreFillLock {
  kind: 'locked';
  /** Opaque: which value, under which generation, and whose lock. */
  readonly handle: unknown;
}

/** Another instance holds the fill lock: ask again shortly (the value is probably on its way). */
export interface StoreBusy {
  kind: 'busy';
}

export type StoreRead = StoreHit | StoreFillLock | StoreBusy;

/** An invalidation heard from another instance. */
export type StoreInvalidation = { op: 'group'; group: string } | { op: 'all' } | { op: 'resync' };

/** Where a namespace's fills and invalidations go. */
export interface StoreNamespace {
  /** `<clientId>:<component>:<cache>`; keys and messages are scoped by it. */
  readonly name: string;
  /**
   * Called for invalidations published by other instances, and with `resync` when this instance
   * may have missed some (its subscription was down): drop local entries accordingly.
   */
  onInvalidation(message: StoreInvalidation): void;
  /** The store stopped answering (disconnected, timed out, refused): it is skipped until it recovers. Log it once. */
  onStoreError?(error: unknown): void;
  /** The store answers again and sharing resumed. */
  onStoreRecovered?(): void;
}

export interface SharedStore {
  /** What the store is, for logs (`redis`). */
  readonly kind: string;
  /** Longest this store waits for a holder of a fill lock before loading locally, in ms. */
  readonly lockWaitMs: number;
  /**
   * `false` while the store is known to be unreachable (disconnected, or a recent command failed
   * or timed out): callers skip it without waiting. Sharing resumes by itself once it answers again.
   */
  readonly available: boolean;

  /** Starts hearing invalidations for `namespace`; returns the unsubscribe function. */
  register(namespace: StoreNamespace): () => void;

  /** The value of `key` (in `group`), else the fill lock if free (`locked`), else `busy`. */
  readOrLock(namespace: string, group: string, key: string): Promise<StoreRead>;
  /**
   * Stores the value loaded under `lock` for `ttlMs` (and adds `key` to the named `indexes`), unless
   * the group or namespace was invalidated meanwhile. Releases the lock. `false` when not stored.
   */
  fill(lock: StoreFillLock, value: string, ttlMs: number, indexes?: readonly string[]): Promise<boolean>;
  /** Gives up a fill lock without storing (the load failed). */
  release(lock: StoreFillLock): Promise<void>;
  /** The keys added to an index by {@link fill} that may still have a value. */
  readIndex(namespace: string, index: string): Promise<string[]>;

  /**
   * Invalidates a group (or, with `group` `undefined`, the whole namespace) in the store and tells
   * every other instance. When the store is down the invalidation is kept and applied when it
   * returns; this never rejects.
   */
  invalidate(namespace: string, group: string | undefined): Promise<void>;
}

/** The store could not answer (down, slow, or refused the command). */
export class StoreUnavailableError extends Error {
  readonly reason: 'disconnected' | 'timeout' | 'command_failed' | 'circuit_open';

  constructor(reason: StoreUnavailableError['reason'], options?: { cause?: unknown }) {
    super(`shared store unavailable (${reason})`, options);
    this.name = 'StoreUnavailableError';
    this.reason = reason;
  }
}

/**
 * How a cache puts its values into the store. `encode`/`decode` may seal: a value that carries a
 * token or a session must be sealed (encrypted with the cookie password) — never stored raw or
 * merely base64-encoded. A `decode` that throws counts as a miss.
 */
export interface StoreCodec<K, V> {
  /** The key as a store-safe string (unique per key). */
  key(key: K): string;
  /** The group an invalidation of this key names; default: the key itself. */
  group?(key: K): string;
  encode(value: V): string | Promise<string>;
  decode(raw: string): V | Promise<V>;
  /** Index names this value is listed under (for example a hashed email), looked up with `readIndex`. */
  indexes?(value: V): readonly string[];
}

export function isSharedStore(value: unknown): value is SharedStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Partial<SharedStore>;
  return (
    typeof store.readOrLock === 'function' &&
    typeof store.fill === 'function' &&
    typeof store.invalidate === 'function' &&
    typeof store.register === 'function'
  );
}

/**
 * A JSON codec for values that carry no token or session (users, memberships, roles, decisions):
 * stored as plain JSON. `revive` checks and rebuilds a parsed value; throwing counts as a miss.
 */
export function jsonCodec<K, V>(settings: {
  key: (key: K) => string;
  group?: (key: K) => string;
  revive: (parsed: unknown) => V;
  indexes?: (value: V) => readonly string[];
  encode?: (value: V) => unknown;
}): StoreCodec<K, V> {
  return {
    key: settings.key,
    ...(settings.group && { group: settings.group }),
    ...(settings.indexes && { indexes: settings.indexes }),
    encode: (value) => JSON.stringify(settings.encode ? settings.encode(value) : value),
    decode: (raw) => settings.revive(JSON.parse(raw)),
  };
}
