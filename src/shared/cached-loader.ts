import { LruTtlCache } from './lru-cache';
import { SingleFlight } from './single-flight';

export interface CacheSettings {
  maxSize: number;
  ttlMs: number;
}

/**
 * Read-through cache: a hit returns the stored value; concurrent misses for one key share one
 * load (single-flight); a failed load is not stored. With `settings: false` every call loads,
 * but concurrent identical loads are still shared.
 */
export class CachedLoader<K, V> {
  readonly #cache: LruTtlCache<K, V> | undefined;
  readonly #flights = new SingleFlight<K, V>();

  constructor(settings: CacheSettings | false, now?: () => number) {
    this.#cache = settings === false ? undefined : new LruTtlCache<K, V>({ ...settings, now });
  }

  /** The cached value, without loading. */
  peek(key: K): V | undefined {
    return this.#cache?.get(key);
  }

  load(key: K, loader: () => Promise<V>): Promise<V> {
    const hit = this.#cache?.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    return this.#flights.run(key, async () => {
      const value = await loader();
      this.#cache?.set(key, value);
      return value;
    });
  }

  delete(key: K): void {
    this.#cache?.delete(key);
  }

  clear(): void {
    this.#cache?.clear();
  }

  /** Every stored key (for lookups over the cached values, e.g. by email). */
  keys(): K[] {
    return this.#cache?.keys() ?? [];
  }

  get size(): number {
    return this.#cache?.size ?? 0;
  }
}
