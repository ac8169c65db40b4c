import type { CacheSettings } from '../shared/cached-loader';
import { LruTtlCache } from '../shared/lru-cache';
import { SingleFlight } from '../shared/single-flight';

/**
 * Read-through cache for role lookups, keyed per user and organization.
 *
 * Unlike the generic `CachedLoader`, an entry's lifetime counts from when the WorkOS call
 * *started*, so an answer can never be served longer than `ttlMs` after WorkOS was asked; and
 * `clear()` also discards answers still in flight, so nothing fetched before a clear is stored
 * after it. Concurrent misses for one key share one load; failures are never stored.
 */
export class PermissionCache<V> {
  readonly #entries: LruTtlCache<string, V> | undefined;
  readonly #flights = new SingleFlight<string, V>();
  readonly #now: () => number;
  #epoch = 0;

  constructor(settings: CacheSettings | false, now: () => number = Date.now) {
    this.#now = now;
    this.#entries = settings === false ? undefined : new LruTtlCache<string, V>({ ...settings, now });
  }

  /** Cache key of one user in one organization (`undefined`: the user's first membership). */
  static keyOf(userId: string, organizationId: string | undefined): string {
    // NUL cannot occur in WorkOS ids, so distinct pairs never collide.
    return `${userId}\u0000${organizationId ?? ''}`;
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  load(key: string, loader: () => Promise<V>): Promise<V> {
    const hit = this.#entries?.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const epoch = this.#epoch;
    return this.#flights.run(`${epoch}\u0000${key}`, async () => {
      const startedAt = this.#now();
      const value = await loader();
      if (this.#entries && epoch === this.#epoch) {
        const remainingMs = this.#entries.ttlMs - (this.#now() - startedAt);
        this.#entries.set(key, value, remainingMs); // a non-positive remainder stores nothing
      }
      return value;
    });
  }

  /** Drops the entries whose key matches, and discards answers still in flight. */
  invalidateWhere(matches: (key: string) => boolean): void {
    this.#epoch += 1;
    if (!this.#entries) return;
    for (const key of this.#entries.keys()) if (matches(key)) this.#entries.delete(key);
  }

  clear(): void {
    this.#epoch += 1;
    this.#entries?.clear();
  }
}
