import { hash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { LruTtlCache } from '../shared/lru-cache';
import { WorkOSAuthError, type AuthFailureCode } from './errors';
import type { BuiltUserMemo } from './authenticator';
import type { WorkOSKeySet } from './key-set';
import { checkClaimTypes, HeaderMemo, inspectTokenHeader, inspectTokenPayload, type TokenShapeRules } from './token-shape';

/** A token whose signature and claims passed every check. */
export interface VerifiedToken {
  payload: JWTPayload & { sub: string; exp: number };
  kid: string;
  /** Until when (epoch ms) a repeated use may skip the checks: `exp`, or `iat + maxTokenAge` if sooner. */
  validUntilMs: number;
  /** The user last built for this token (kept by the authenticator, see `BuiltUserMemo`). */
  memo?: BuiltUserMemo;
}

/** What the verified-token cache knows of a token, from {@link TokenVerifier.lookup}. */
export interface TokenLookup {
  /** The token's cache key (its SHA-256), `''` with the cache off. */
  key: string;
  /** The cached verification, when the token was verified before and still may skip the checks. */
  verified: VerifiedToken | undefined;
}

export interface TokenVerifierSettings {
  algorithms: string[];
  issuers: string[];
  audience: string[] | undefined;
  /** Our client id: without `audience`, the only `aud` accepted (RFC 7519 §4.1.3). */
  clientId: string;
  clockToleranceSec: number;
  /** Seconds since `iat` after which a token is refused; `undefined`: no limit but `exp`. */
  maxTokenAgeSec?: number | undefined;
  maxTokenLength: number;
  /** Verified-token cache size; 0 disables it. */
  verifiedCacheSize: number;
}

const MAX_KID_LENGTH = 256;

/**
 * Checks a bearer token, cheapest checks first: shape (no crypto, no network), then the signature
 * against the WorkOS key set, then the claims. A repeated token is served from a cache keyed by
 * its SHA-256, until the earlier of its `exp` and its key leaving the key set (a key set older than
 * `jwks.cacheMaxAgeMs` sends the token through the full check, which refetches it). Only tokens
 * that passed every check are cached.
 */
export class TokenVerifier {
  readonly #settings: TokenVerifierSettings;
  readonly #keys: WorkOSKeySet;
  readonly #verified: LruTtlCache<string, VerifiedToken> | undefined;
  readonly #headers = new HeaderMemo();
  readonly #shapeRules: TokenShapeRules;
  readonly #joseOptions: JWTVerifyOptions;
  readonly #clock: Clock;

  constructor(settings: TokenVerifierSettings, keys: WorkOSKeySet, clock: Clock) {
    this.#settings = settings;
    this.#keys = keys;
    this.#clock = clock;
    this.#shapeRules = { maxTokenLength: settings.maxTokenLength, algorithms: settings.algorithms, maxKidLength: MAX_KID_LENGTH };
    this.#joseOptions = {
      algorithms: settings.algorithms,
      issuer: settings.issuers,
      ...(settings.audience !== undefined && { audience: settings.audience }),
      clockTolerance: settings.clockToleranceSec,
      ...(settings.maxTokenAgeSec !== undefined && { maxTokenAge: settings.maxTokenAgeSec }),
      requiredClaims: ['exp', 'sub'],
    };
    // The TTL ceiling is the token's own exp; the cache-level TTL only bounds pathological tokens.
    this.#verified =
      settings.verifiedCacheSize > 0
        ? new LruTtlCache({ maxSize: settings.verifiedCacheSize, ttlMs: 24 * 60 * 60 * 1000, now: () => clock.now() })
        : undefined;
  }

  /**
   * The synchronous first step: size check, then the verified-token cache. A hit is served until
   * the earlier of `exp` (or `iat + maxTokenAge`) and its key leaving a fresh key set.
   */
  lookup(token: string): TokenLookup {
    // Before hashing: an attacker's megabyte must not cost a SHA-256 either.
    if (token.length > this.#settings.maxTokenLength) {
      throw new WorkOSAuthError('token_too_large', `the token is longer than ${this.#settings.maxTokenLength} characters`);
    }
    if (this.#verified === undefined) return { key: '', verified: undefined };
    const key = hash('sha256', token, 'base64url');
    const cached = this.#verified.get(key);
    if (cached === undefined) return { key, verified: undefined };
    if (cached.validUntilMs > this.#clock.now() && this.#keys.hasFreshKey(cached.kid)) return { key, verified: cached };
    this.#verified.delete(key);
    return { key, verified: undefined };
  }

  /** Every check, for a token {@link lookup} did not find; a token that passes is cached. */
  async verify(token: string, lookup: TokenLookup = this.lookup(token)): Promise<VerifiedToken> {
    if (lookup.verified !== undefined) return lookup.verified;
    const cacheKey = lookup.key;

    const inspected = inspectTokenHeader(token, this.#shapeRules, this.#headers);
    // A lookup that may reach the network (unknown kid, stale key set) happens only for a token
    // whose payload is well-formed; with the key at hand, jose decodes the payload itself.
    if (!this.#keys.canResolveLocally(inspected.header)) inspectTokenPayload(inspected);
    const { audience, clockToleranceSec } = this.#settings;
    let payload: JWTPayload;
    try {
      // jose reads the real clock unless told otherwise; only an injected clock pays for a Date.
      const options = this.#clock === systemClock ? this.#joseOptions : { ...this.#joseOptions, currentDate: new Date(this.#clock.now()) };
      ({ payload } = await jwtVerify(token, this.#keys.getKey, options));
    } catch (error) {
      throw toAuthError(error);
    }
    // RFC 8725 §3.9: a token minted for another audience (WorkOS MCP / OAuth-app tokens carry
    // one) must not be replayed here just because no audience was configured. Our own client id
    // is the one audience that names us.
    if (audience === undefined && payload.aud !== undefined && !namesAudience(payload.aud, this.#settings.clientId)) {
      throw new WorkOSAuthError('audience_mismatch', 'the token names another audience; set the `audience` option to accept it');
    }
    checkClaimTypes(payload);
    const now = this.#clock.now() / 1000;
    if (typeof payload.iat === 'number' && payload.iat > now + clockToleranceSec) {
      throw new WorkOSAuthError('token_not_yet_valid', 'the token iat is in the future');
    }
    const verified = payload as VerifiedToken['payload'];
    const { maxTokenAgeSec } = this.#settings;
    const ageLimitSec = maxTokenAgeSec !== undefined && typeof verified.iat === 'number' ? verified.iat + maxTokenAgeSec : Infinity;
    const result: VerifiedToken = { payload: verified, kid: inspected.kid, validUntilMs: Math.min(verified.exp, ageLimitSec) * 1000 };
    if (this.#verified) {
      const lifetimeMs = result.validUntilMs - this.#clock.now();
      // A token valid only through clock tolerance is never cached: the next use re-checks it.
      if (lifetimeMs > 0) this.#verified.set(cacheKey, result, lifetimeMs);
    }
    return result;
  }

  get cachedTokens(): number {
    return this.#verified?.size ?? 0;
  }
}

function namesAudience(aud: unknown, clientId: string): boolean {
  return aud === clientId || (Array.isArray(aud) && aud.length > 0 && aud.every((item) => typeof item === 'string') && aud.includes(clientId));
}

const CLAIM_CODES: Record<string, AuthFailureCode> = {
  iss: 'issuer_mismatch',
  aud: 'audience_mismatch',
  nbf: 'token_not_yet_valid',
  iat: 'token_not_yet_valid',
  exp: 'token_expired',
};

/** Maps jose's errors to our stable codes (never echoing claim values or the token). */
function toAuthError(error: unknown): WorkOSAuthError {
  if (error instanceof WorkOSAuthError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new WorkOSAuthError('token_expired', 'the token has expired');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    // A wrong type is about the claim's form; a missing iss/aud is still an issuer/audience mismatch.
    const byClaim = error.reason === 'missing' && (error.claim === 'iss' || error.claim === 'aud');
    const code =
      error.reason === 'invalid' || (error.reason === 'missing' && !byClaim)
        ? 'claim_invalid'
        : (CLAIM_CODES[error.claim] ?? 'claim_invalid');
    return new WorkOSAuthError(code, `the token ${error.claim} claim failed validation (${error.reason})`);
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new WorkOSAuthError('signature_invalid', 'the token signature does not verify');
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new WorkOSAuthError('alg_not_allowed', 'the token algorithm is not allowed');
  }
  if (error instanceof joseErrors.JOSENotSupported) {
    return new WorkOSAuthError('token_malformed', 'the token uses an unsupported feature');
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new WorkOSAuthError('key_not_found', 'no key matches the token kid');
  }
  if (error instanceof joseErrors.JOSEError) {
    return new WorkOSAuthError('token_malformed', 'the token is not a valid JWT');
  }
  // A key that cannot be used with the token's algorithm surfaces as a TypeError from jose.
  return new WorkOSAuthError('signature_invalid', 'the token could not be verified', { cause: error });
}
