import type { Clock } from './clock';
import { LruTtlCache } from './lru-cache';

export interface CacheSettings {
  /** Most entries kept; the least recently used is evicted first. */
  maxSize: number;
  /** Longest an answer is served, in ms, counted from when the load that produced it started. */
  ttlMs: number;
}

interface Flight<V> {
  promise: Promise<V>;
  /** Set when the key was invalidated while this load was in flight: its answer is not stored. */
  superseded: boolean;
}

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
 */
export class ReadThroughCache<K, V> {
  readonly #entries: LruTtlCache<K, V> | undefined;
  readonly #flights = new Map<K, Flight<V>>();
  readonly #clock: Clock;
  #epoch = 0;

  constructor(settings: CacheSettings | false, clock: Clock) {
    this.#clock = clock;
    this.#entries = settings === false ? undefined : new LruTtlCache<K, V>({ ...settings, now: () => clock.now() });
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
    flight.promise = (async () => {
      try {
        const value = await loader();
        if (this.#entries && !flight.superseded && epoch === this.#epoch) {
          const ttlMs = Math.min(this.#entries.ttlMs, ttlOf ? ttlOf(value) : Number.POSITIVE_INFINITY);
          // A non-positive remainder stores nothing.
          this.#entries.set(key, value, ttlMs - (this.#clock.now() - startedAt));
        }
        return value;
      } finally {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      }
    })();
    this.#flights.set(key, flight);
    return flight.promise;
  }

  /** Stores a value directly (for answers obtained outside a load, e.g. a write-through). */
  set(key: K, value: V): void {
    this.invalidate(key);
    this.#entries?.set(key, value);
  }

  /** Drops `key`, including any answer still in flight for it. */
  invalidate(key: K): void {
    this.#entries?.delete(key);
    const running = this.#flights.get(key);
    if (running !== undefined) {
      running.superseded = true;
      this.#flights.delete(key);
    }
  }

  /** Drops every entry and every answer still in flight. */
  clear(): void {
    this.#epoch += 1;
    this.#entries?.clear();
    for (const flight of this.#flights.values()) flight.superseded = true;
    this.#flights.clear();
  }

  /** Every stored key, oldest first (for lookups over cached values, e.g. users by email). */
  keys(): K[] {
    return this.#entries?.keys() ?? [];
  }

  /** Drops every key matching `predicate`, stored or in flight (per-user invalidation over composite keys). */
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
}
