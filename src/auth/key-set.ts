import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  jwksCache,
  type ExportedJWKSCache,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JSONWebKeySet,
} from 'jose';
import { WorkOSAuthError } from './errors';

export interface KeySetSettings {
  /** How long fetched keys are used before a background-free refetch on the next request. */
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

/**
 * The WorkOS key set of one provider instance: one jose remote key set (built once, shared by all
 * requests, concurrent cold fetches coalesced by jose), wrapped with what jose does not do:
 * - a cooldown that also covers failed fetches, so floods of unknown `kid`s or a dead endpoint
 *   cause at most one fetch per `cooldownMs`;
 * - stale-if-error: the last good keys keep verifying for `staleIfErrorMs` when refetching fails;
 * - `hasKey(kid)` / `hasFreshKey(kid)`, so cached verifications are dropped once their key leaves
 *   the set or the set is too old to vouch for it;
 * - a synchronous answer for keys already imported from a fresh set (the hot path).
 * Header fields `jwk`, `jku`, `x5u` and `x5c` are never consulted: keys come only from the URL.
 */
export class WorkOSKeySet {
  readonly url: URL;
  readonly #settings: KeySetSettings;
  readonly #events: KeySetEvents;
  readonly #remote: ReturnType<typeof createRemoteJWKSet>;
  /** jose writes the last good set and its time here on every successful fetch. */
  readonly #exported: Partial<ExportedJWKSCache> = {};
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  #fetches = 0;
  #knownKidsAt = Number.NaN;
  #knownKids = new Set<string>();
  #staleResolver: { at: number; resolve: KeyResolver } | undefined;
  /** Keys jose imported from the set fetched at `at`; rebuilt empty when a new set arrives. */
  #imported: { at: number; byKid: Map<string, { alg: string; key: CryptoKey }> } = { at: Number.NaN, byKid: new Map() };

  constructor(url: URL, settings: KeySetSettings, events: KeySetEvents = {}, fetchImpl: typeof fetch = fetch) {
    this.url = url;
    this.#settings = settings;
    this.#events = events;
    const countingFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      this.#lastAttemptAt = Date.now();
      this.#fetches += 1;
      return fetchImpl(input, init);
    };
    this.#remote = createRemoteJWKSet(url, {
      cacheMaxAge: settings.cacheMaxAgeMs,
      cooldownDuration: settings.cooldownMs,
      timeoutDuration: Math.ceil(settings.timeoutMs),
      [customFetch]: countingFetch,
      [jwksCache]: this.#exported as ExportedJWKSCache,
    });
  }

  /** Number of JWKS fetches started by this instance (for tests and the benchmark). */
  get fetchCount(): number {
    return this.#fetches;
  }

  /** Whether the last good key set holds `kid` (no network). */
  hasKey(kid: string): boolean {
    return this.#kids().has(kid);
  }

  /**
   * Whether `kid` is in a key set younger than `cacheMaxAgeMs`: what a cached verification needs,
   * so that a key rotated out of the JWKS stops working within that age even without traffic
   * that would have refetched the set.
   */
  hasFreshKey(kid: string): boolean {
    const { uat } = this.#exported;
    return uat !== undefined && Date.now() - uat < this.#settings.cacheMaxAgeMs && this.hasKey(kid);
  }

  /**
   * Key lookup for jose's `jwtVerify`; throws {@link WorkOSAuthError} with a stable code. A `kid`
   * already imported from a fresh set is answered synchronously: that is every request but the
   * first per key, and it keeps the hot path free of promise hops.
   */
  readonly getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput): CryptoKey | Promise<CryptoKey> =>
    this.#freshKey(header) ?? this.#resolveKey(header, token);

  /** Whether {@link getKey} would answer from memory, with no chance of a fetch. */
  canResolveLocally(header: JWSHeaderParameters): boolean {
    return this.#freshKey(header) !== undefined;
  }

  /** The imported key for this header from a set younger than `cacheMaxAgeMs`, if known. */
  #freshKey(header: JWSHeaderParameters): CryptoKey | undefined {
    const { uat } = this.#exported;
    if (uat === undefined || uat !== this.#imported.at || Date.now() - uat >= this.#settings.cacheMaxAgeMs) return undefined;
    const entry = this.#imported.byKid.get(header.kid ?? '');
    return entry !== undefined && entry.alg === header.alg ? entry.key : undefined;
  }

  /** Remembers a key jose resolved, so the next lookup of that kid and alg is synchronous. */
  #remember(header: JWSHeaderParameters, key: CryptoKey): void {
    const { uat } = this.#exported;
    if (uat === undefined || header.kid === undefined || header.alg === undefined) return;
    if (this.#imported.at !== uat) this.#imported = { at: uat, byKid: new Map() };
    this.#imported.byKid.set(header.kid, { alg: header.alg, key });
  }

  async #resolveKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const now = Date.now();
    const kid = header.kid ?? '';
    const coolingDown = now - this.#lastAttemptAt < this.#settings.cooldownMs;
    if (now - this.#lastFailureAt < this.#settings.cooldownMs) {
      // The endpoint failed recently: do not ask again yet, serve the last good keys if allowed.
      return this.#fromStale(header, token, now);
    }
    if (this.#exported.jwks !== undefined && !this.hasKey(kid) && coolingDown) {
      throw new WorkOSAuthError('key_not_found', 'no key in the WorkOS key set matches the token kid');
    }
    try {
      const key = await this.#remote(header, token);
      this.#remember(header, key);
      return key;
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
        throw new WorkOSAuthError('key_not_found', 'no key in the WorkOS key set matches the token kid', {
          cause: error,
        });
      }
      if (error instanceof WorkOSAuthError) throw error;
      this.#lastFailureAt = Date.now();
      const usingStale = this.#staleUsable(this.#lastFailureAt);
      this.#events.onFetchFailure?.(describeFetchFailure(error), usingStale);
      return this.#fromStale(header, token, this.#lastFailureAt);
    }
  }

  #kids(): Set<string> {
    const { uat, jwks } = this.#exported;
    if (uat !== undefined && uat !== this.#knownKidsAt) {
      this.#knownKidsAt = uat;
      this.#knownKids = new Set(
        (jwks?.keys ?? []).map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string'),
      );
    }
    return this.#knownKids;
  }

  #staleUsable(now: number): boolean {
    const { uat } = this.#exported;
    return uat !== undefined && now - uat <= this.#settings.cacheMaxAgeMs + this.#settings.staleIfErrorMs;
  }

  async #fromStale(header: JWSHeaderParameters, token: FlattenedJWSInput, now: number) {
    const { uat, jwks } = this.#exported;
    if (uat === undefined || jwks === undefined || !this.#staleUsable(now)) {
      throw new WorkOSAuthError('jwks_unavailable', 'the WorkOS key set could not be fetched');
    }
    if (this.#staleResolver?.at !== uat) {
      this.#staleResolver = { at: uat, resolve: createLocalJWKSet(jwks as JSONWebKeySet) };
    }
    try {
      return await this.#staleResolver.resolve(header, token);
    } catch (error) {
      throw new WorkOSAuthError('key_not_found', 'no key in the last good WorkOS key set matches the token kid', {
        cause: error,
      });
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
