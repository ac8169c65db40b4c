import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import type { Clock } from '../shared/clock';
import { WorkOSAuthError } from './errors';

export interface KeySetSettings {
  /** How long fetched keys are used before a refetch on the next request that needs them. */
  cacheMaxAgeMs: number;
  /** Least time between two fetches caused by unknown `kid`s or failures. */
  cooldownMs: number;
  /** Bound on one JWKS fetch. */
  timeoutMs: number;
  /** After the keys went stale and a refetch failed, keep verifying with them this long. */
  staleIfErrorMs: number;
}

export interface KeySetEvents {
  /** A fetch failed; `usingStale` says whether the last good keys still serve. */
  onFetchFailure?(reason: string, usingStale: boolean): void;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/** The last good key set, as fetched at `fetchedAt` (our clock). */
interface FetchedKeySet {
  fetchedAt: number;
  resolve: KeyResolver;
  kids: ReadonlySet<string>;
  /** Keys already imported from this set: the synchronous hot path. */
  imported: Map<string, { alg: string; key: CryptoKey }>;
}

const MISSING_KEY = 'no key in the WorkOS key set matches the token kid';

/**
 * The WorkOS key set of one provider instance. jose's remote key set does the fetching (bounded,
 * redirects refused, concurrent reloads shared) through its public `reload()` / `jwks()`; this
 * class decides *when* to fetch, on the injected clock, adding what jose does not do:
 * - a cooldown that also covers failed fetches, so floods of unknown `kid`s or a dead endpoint
 *   cause at most one fetch per `cooldownMs`;
 * - stale-if-error: the last good keys keep verifying for `staleIfErrorMs` when refetching fails;
 * - `hasFreshKey(kid)`, so cached verifications are dropped once their key leaves the set or the
 *   set is too old to vouch for it;
 * - a synchronous answer for keys already imported from a fresh set (the hot path).
 * Header fields `jwk`, `jku`, `x5u` and `x5c` are never consulted: keys come only from the URL.
 */
export class WorkOSKeySet {
  readonly url: URL;
  readonly #settings: KeySetSettings;
  readonly #events: KeySetEvents;
  readonly #clock: Clock;
  readonly #remote: ReturnType<typeof createRemoteJWKSet>;
  #current: FetchedKeySet | undefined;
  #reloading: Promise<FetchedKeySet> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  #fetches = 0;

  constructor(url: URL, settings: KeySetSettings, clock: Clock, events: KeySetEvents = {}, fetchImpl: typeof fetch = fetch) {
    this.url = url;
    this.#settings = settings;
    this.#clock = clock;
    this.#events = events;
    const countingFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      this.#fetches += 1;
      return fetchImpl(input, init);
    };
    // jose's own freshness and cooldown are not used (they read the real clock): we call reload().
    this.#remote = createRemoteJWKSet(url, {
      timeoutDuration: Math.ceil(settings.timeoutMs),
      [customFetch]: countingFetch,
    });
  }

  /** Number of JWKS fetches started by this instance (for tests and the benchmark). */
  get fetchCount(): number {
    return this.#fetches;
  }

  /**
   * Whether `kid` is in a key set younger than `cacheMaxAgeMs`: what a cached verification needs,
   * so that a key rotated out of the JWKS stops working within that age even without traffic
   * that would have refetched the set.
   */
  hasFreshKey(kid: string): boolean {
    const current = this.#freshSet();
    return current !== undefined && current.kids.has(kid);
  }

  /**
   * Key lookup for jose's `jwtVerify`; throws {@link WorkOSAuthError} with a stable code. A `kid`
   * already imported from a fresh set is answered synchronously: that is every request but the
   * first per key, and it keeps the hot path free of promise hops.
   */
  readonly getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput): CryptoKey | Promise<CryptoKey> =>
    this.#importedKey(header) ?? this.#resolveKey(header, token);

  /** Whether {@link getKey} would answer from memory, with no chance of a fetch. */
  canResolveLocally(header: JWSHeaderParameters): boolean {
    return this.#importedKey(header) !== undefined;
  }

  #freshSet(): FetchedKeySet | undefined {
    const current = this.#current;
    return current !== undefined && this.#clock.now() - current.fetchedAt < this.#settings.cacheMaxAgeMs ? current : undefined;
  }

  #importedKey(header: JWSHeaderParameters): CryptoKey | undefined {
    const entry = this.#freshSet()?.imported.get(header.kid ?? '');
    return entry !== undefined && entry.alg === header.alg ? entry.key : undefined;
  }

  async #resolveKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const now = this.#clock.now();
    const kid = header.kid ?? '';
    const fresh = this.#freshSet();
    if (fresh !== undefined && fresh.kids.has(kid)) return this.#keyFrom(fresh, header, token);
    if (now - this.#lastFailureAt < this.#settings.cooldownMs) {
      // The endpoint failed recently: do not ask again yet, serve the last good keys if allowed.
      return this.#fromStale(header, token, now);
    }
    if (fresh !== undefined && now - this.#lastAttemptAt < this.#settings.cooldownMs) {
      throw new WorkOSAuthError('key_not_found', MISSING_KEY);
    }
    let fetched: FetchedKeySet;
    try {
      fetched = await this.#reload();
    } catch (error) {
      this.#lastFailureAt = this.#clock.now();
      const usingStale = this.#staleUsable(this.#lastFailureAt);
      this.#events.onFetchFailure?.(describeFetchFailure(error), usingStale);
      return this.#fromStale(header, token, this.#lastFailureAt);
    }
    return this.#keyFrom(fetched, header, token);
  }

  /** One fetch at a time; every waiting lookup gets the same set. */
  #reload(): Promise<FetchedKeySet> {
    this.#reloading ??= (async () => {
      this.#lastAttemptAt = this.#clock.now();
      try {
        await this.#remote.reload();
        const jwks = this.#remote.jwks() as JSONWebKeySet;
        const fetched: FetchedKeySet = {
          fetchedAt: this.#clock.now(),
          resolve: createLocalJWKSet(jwks),
          kids: new Set(jwks.keys.map((key) => key.kid).filter((id): id is string => typeof id === 'string')),
          imported: new Map(),
        };
        this.#current = fetched;
        return fetched;
      } finally {
        this.#reloading = undefined;
      }
    })();
    return this.#reloading;
  }

  async #keyFrom(set: FetchedKeySet, header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    let key: CryptoKey;
    try {
      key = (await set.resolve(header, token)) as CryptoKey;
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
        throw new WorkOSAuthError('key_not_found', MISSING_KEY, { cause: error });
      }
      throw error;
    }
    if (header.kid !== undefined && header.alg !== undefined) set.imported.set(header.kid, { alg: header.alg, key });
    return key;
  }

  #staleUsable(now: number): boolean {
    const current = this.#current;
    return current !== undefined && now - current.fetchedAt <= this.#settings.cacheMaxAgeMs + this.#settings.staleIfErrorMs;
  }

  async #fromStale(header: JWSHeaderParameters, token: FlattenedJWSInput, now: number): Promise<CryptoKey> {
    if (this.#current === undefined || !this.#staleUsable(now)) {
      throw new WorkOSAuthError('jwks_unavailable', 'the WorkOS key set could not be fetched');
    }
    try {
      return (await this.#current.resolve(header, token)) as CryptoKey;
    } catch (error) {
      throw new WorkOSAuthError('key_not_found', 'no key in the last good WorkOS key set matches the token kid', { cause: error });
    }
  }
}

function describeFetchFailure(error: unknown): string {
  if (error instanceof joseErrors.JWKSTimeout) return 'timeout';
  if (error instanceof joseErrors.JWKSInvalid) return 'invalid key set';
  if (error instanceof joseErrors.JOSEError) return error.message;
  if (error instanceof Error) return error.name === 'TypeError' ? `network error (${error.message})` : error.name;
  return 'unknown error';
}
