import type { Clock } from './clock';
import { LruTtlCache } from './lru-cache';
import type { SharedStore, StoreCodec, StoreFillLock, StoreInvalidation } from './store';

export interface CacheSettings {
  /** Most entries kept; the least recently used is evicted first. */
  maxSize: number;
  /** Longest an answer is served, in ms, counted from when the load that produced it started. */
  ttlMs: number;
}

/** The optional second tier: a store shared by every instance (see `shared/store.ts`). */
export interface StoreTier<K, V> {
  store: SharedStore;
  /** `<clientId>:<component>:<cache>`. */
  namespace: string;
  codec: StoreCodec<K, V>;
  /** A store command failed or timed out (the cache went on without it): log it, once per window. */
  onStoreError?(error: unknown): void;
  /** The store answers again. */
  onStoreRecovered?(): void;
}

interface Flight<V> {
  promise: Promise<V>;
  /** Set when the key was invalidated while this load was in flight: its answer is not stored. */
  superseded: boolean;
}

/** A loaded value, and how long the store still keeps it when it came from there. */
interface Loaded<V> {
  value: V;
  storeTtlMs?: number;
}

/** Poll delays while another instance holds a fill lock (ms): quick first, then steady. */
const WAIT_STEPS_MS = [2, 4, 8, 16, 25];

/**
 * The package's one read-through cache: LRU + TTL in front of a loader, with concurrent misses for
 * one key sharing one load (single-flight) and failed loads never stored.
 *
 * Invalidation always wins over a load in flight: `invalidate(key)` (or `clear()`) marks loads
 * already running so their answers are returned to whoever waited but never stored, and the next
 * caller starts a fresh load. Otherwise a user deleted during a `getUser` would be cached after the
 * delete and keep authenticating for a whole TTL.
 *
 * An entry's TTL counts from when its load *started*, so no answer is served longer than `ttlMs`
 * after WorkOS was asked. With `settings: false` nothing is stored, but concurrent identical loads
 * are still shared.
 *
 * With a {@link StoreTier} (several instances sharing a store): a local miss asks the store before
 * the loader, and only one instance of the fleet runs the loader for a key at a time (the store's
 * fill lock; the others wait a bounded time, then load themselves). Fills write both tiers;
 * invalidations reach the store and every other instance. The warm path is unchanged: a local hit
 * never touches the store. When the store fails the cache carries on locally (`onStoreError`).
 */
export class ReadThroughCache<K, V> {
  readonly #entries: LruTtlCache<K, V> | undefined;
  readonly #flights = new Map<K, Flight<V>>();
  readonly #clock: Clock;
  readonly #tier: StoreTier<K, V> | undefined;
  #epoch = 0;

  constructor(settings: CacheSettings | false, clock: Clock, tier?: StoreTier<K, V>) {
    this.#clock = clock;
    this.#entries = settings === false ? undefined : new LruTtlCache<K, V>({ ...settings, now: () => clock.now() });
    // Without local entries there is no TTL to share: the store is not used.
    this.#tier = this.#entries ? tier : undefined;
    if (this.#tier) {
      const { namespace, onStoreError, onStoreRecovered } = this.#tier;
      this.#tier.store.register({
        name: namespace,
        onInvalidation: (message) => this.#onRemoteInvalidation(message),
        ...(onStoreError && { onStoreError }),
        ...(onStoreRecovered && { onStoreRecovered }),
      });
    }
  }

  /** The cached value, without loading (synchronous: the warm path). */
  peek(key: K): V | undefined {
    return this.#entries?.get(key);
  }

  /**
   * The cached value, else the value of the load in flight for `key`, else a new load. `ttlOf`
   * may shorten (never lengthen) an entry's TTL based on its value.
   */
  load(key: K, loader: () => Promise<V>, ttlOf?: (value: V) => number): Promise<V> {
    const hit = this.#entries?.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const running = this.#flights.get(key);
    if (running !== undefined) return running.promise;

    const flight = { superseded: false } as Flight<V>;
    const epoch = this.#epoch;
    const startedAt = this.#clock.now();
    const ttlFor = (value: V): number => {
      const ttlMs = Math.min(this.#entries?.ttlMs ?? 0, ttlOf ? ttlOf(value) : Number.POSITIVE_INFINITY);
      // A non-positive remainder stores nothing.
      return ttlMs - (this.#clock.now() - startedAt);
    };
    flight.promise = (async () => {
      try {
        const loaded = this.#tier ? await this.#loadShared(this.#tier, key, loader, ttlFor) : { value: await loader() };
        if (this.#entries && !flight.superseded && epoch === this.#epoch) {
          this.#entries.set(key, loaded.value, Math.min(ttlFor(loaded.value), loaded.storeTtlMs ?? Number.POSITIVE_INFINITY));
        }
        return loaded.value;
      } finally {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      }
    })();
    this.#flights.set(key, flight);
    return flight.promise;
  }

  /** Stores a value directly in this instance (for answers obtained outside a load, e.g. a write-through). */
  set(key: K, value: V): void {
    this.#dropLocal(key);
    this.#entries?.set(key, value);
  }

  /**
   * Drops `key`, including any answer still in flight for it; with a store, also its group there
   * and in every other instance (the promise settles when the store has it; it never rejects).
   */
  invalidate(key: K): Promise<void> {
    this.#dropLocal(key);
    return this.#tier ? this.#tier.store.invalidate(this.#tier.namespace, this.#groupOf(this.#tier, key)) : Promise.resolve();
  }

  /** Drops every key of `group` (see {@link StoreCodec.group}) here, in the store and in every other instance. */
  invalidateGroup(group: string, matches: (key: K) => boolean): Promise<void> {
    this.invalidateWhere(matches);
    return this.#tier ? this.#tier.store.invalidate(this.#tier.namespace, group) : Promise.resolve();
  }

  /** Drops every entry and every answer still in flight; with a store, everywhere. */
  clear(): Promise<void> {
    this.#clearLocal();
    return this.#tier ? this.#tier.store.invalidate(this.#tier.namespace, undefined) : Promise.resolve();
  }

  /** Every stored key, oldest first (for lookups over cached values, e.g. users by email). */
  keys(): K[] {
    return this.#entries?.keys() ?? [];
  }

  /**
   * Store keys listed under `index` (see {@link StoreCodec.indexes}) that may still be cached in the
   * store; `[]` without a store or when it cannot answer.
   */
  async storeIndex(index: string): Promise<string[]> {
    const tier = this.#tier;
    if (!tier || !tier.store.available) return [];
    try {
      return await tier.store.readIndex(tier.namespace, index);
    } catch (error) {
      tier.onStoreError?.(error);
      return [];
    }
  }

  /** Drops every key matching `predicate`, stored or in flight, in this instance only. */
  invalidateWhere(predicate: (key: K) => boolean): void {
    for (const key of this.#entries?.keys() ?? []) if (predicate(key)) this.#entries?.delete(key);
    for (const [key, flight] of [...this.#flights]) {
      if (predicate(key)) {
        flight.superseded = true;
        this.#flights.delete(key);
      }
    }
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  get maxSize(): number {
    return this.#entries?.maxSize ?? 0;
  }

  #dropLocal(key: K): void {
    this.#entries?.delete(key);
    const running = this.#flights.get(key);
    if (running !== undefined) {
      running.superseded = true;
      this.#flights.delete(key);
    }
  }

  #clearLocal(): void {
    this.#epoch += 1;
    this.#entries?.clear();
    for (const flight of this.#flights.values()) flight.superseded = true;
    this.#flights.clear();
  }

  #groupOf(tier: StoreTier<K, V>, key: K): string {
    return tier.codec.group ? tier.codec.group(key) : tier.codec.key(key);
  }

  #onRemoteInvalidation(message: StoreInvalidation): void {
    const tier = this.#tier;
    if (!tier) return;
    if (message.op === 'group') this.invalidateWhere((key) => this.#groupOf(tier, key) === message.group);
    else this.#clearLocal();
  }

  /**
   * Store, then loader. Only the holder of the store's fill lock runs the loader; the others poll
   * the store until the value is there, the lock is free again (holder failed: they take it), or
   * `lockWaitMs` passed (holder died or is slow: load locally). Any store failure: load locally.
   */
  async #loadShared(tier: StoreTier<K, V>, key: K, loader: () => Promise<V>, ttlFor: (value: V) => number): Promise<Loaded<V>> {
    const { store, namespace, codec } = tier;
    if (!store.available) return { value: await loader() };
    const storeKey = codec.key(key);
    const group = this.#groupOf(tier, key);
    const waitStartedAt = performance.now();
    for (let attempt = 0; ; attempt += 1) {
      let read;
      try {
        read = await store.readOrLock(namespace, group, storeKey);
      } catch (error) {
        tier.onStoreError?.(error);
        return { value: await loader() };
      }
      if (read.kind === 'hit') {
        try {
          return { value: await codec.decode(read.value), storeTtlMs: read.ttlMs };
        } catch {
          return { value: await loader() }; // unreadable (another version, another password): a miss
        }
      }
      if (read.kind === 'locked') return { value: await this.#loadAndFill(tier, read, loader, ttlFor) };
      const waited = performance.now() - waitStartedAt;
      if (waited >= store.lockWaitMs || !store.available) return { value: await loader() };
      const step = WAIT_STEPS_MS[Math.min(attempt, WAIT_STEPS_MS.length - 1)]!;
      await sleep(Math.min(step, store.lockWaitMs - waited));
    }
  }

  async #loadAndFill(tier: StoreTier<K, V>, lock: StoreFillLock, loader: () => Promise<V>, ttlFor: (value: V) => number): Promise<V> {
    const { store, codec } = tier;
    let value: V;
    try {
      value = await loader();
    } catch (error) {
      // Let the next instance try at once rather than wait out the lock.
      store.release(lock).catch((releaseError: unknown) => tier.onStoreError?.(releaseError));
      throw error;
    }
    try {
      const ttlMs = ttlFor(value);
      if (ttlMs > 0) await store.fill(lock, await codec.encode(value), Math.ceil(ttlMs), codec.indexes?.(value) ?? []);
      else await store.release(lock);
    } catch (error) {
      tier.onStoreError?.(error);
    }
    return value;
  }
}

/**
 * A real timer on purpose: it paces polls of a real network store, which an injected clock
 * cannot advance.
 */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
