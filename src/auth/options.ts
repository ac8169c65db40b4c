import type { IMastraLogger } from '@mastra/core/logger';
import type { MastraAuthProviderOptions } from '@mastra/core/server';
import type { JWTPayload } from 'jose';
import type { Clock } from '../shared/clock';
import { nonEmptyString, OptionValidator } from '../shared/options';
import type { CacheSettings } from '../shared/read-through-cache';
import type { SharedStore } from '../shared/store';
import { resolveWorkOSConnection, type ResolvedWorkOSConnection, type WorkOSConnectionOptions } from '../shared/workos-connection';
import type { WorkOSJwtClaimsConfig } from './claims';
import type { WorkOSSessionConfig, WorkOSSSOConfig } from '../session/options';
import type { KeySetSettings } from './key-set';
import type { WorkOSUser } from './user';

/** Options of {@link MastraAuthWorkos}; every field is optional when the environment is set. */
export interface MastraAuthWorkosOptions extends WorkOSConnectionOptions, MastraAuthProviderOptions<WorkOSUser> {
  /** OAuth redirect URI for login flows. Falls back to `WORKOS_REDIRECT_URI`; not needed for bearer tokens. */
  redirectUri?: string;
  /** Load the user's organization memberships (`memberships`, `organizationMembershipId`). Default `false`. */
  fetchMemberships?: boolean;
  /** When WorkOS does not know the token's subject (404), build the user from verified claims. Default `false`. */
  trustJwtClaims?: boolean;
  /** Claim names used for claim-built users and the organization context. */
  jwtClaims?: WorkOSJwtClaimsConfig;
  /** Last step of user resolution: returned fields override the built user. */
  mapJwtPayloadToUser?: (
    payload: JWTPayload,
    user: WorkOSUser,
  ) => Partial<WorkOSUser> | null | undefined | Promise<Partial<WorkOSUser> | null | undefined>;
  /** Accepted `iss` values (exact match). Default: the API base URL and `<base>/user_management/<clientId>`. */
  issuer?: string | string[];
  /**
   * Accepted `aud` value(s). Default: a token without `aud` (WorkOS user-management tokens carry
   * none) or whose `aud` is our client id is accepted; any other `aud` is refused (RFC 8725 §3.9).
   */
  audience?: string | string[];
  /** Allowed clock skew for `exp`, `nbf`, `iat`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Oldest accepted token by its `iat`, in seconds (then `iat` is required). Default: only `exp` limits a token. */
  maxTokenAge?: number;
  /** Allowed signature algorithms (asymmetric only). Default `['RS256']`. */
  algorithms?: string[];
  /** Longest accepted token, in characters; longer ones are rejected before parsing. Default 8192. */
  maxTokenLength?: number;
  /** WorkOS key-set fetching. */
  jwks?: Partial<KeySetSettings>;
  /**
   * User, membership and verified-token caches. Default `{ maxSize: 10000, ttlMs: 60000, tokens: true }`;
   * `tokens: false` re-verifies every token (users stay cached); `false` disables all caching.
   */
  cache?: false | (Partial<CacheSettings> & { tokens?: boolean });
  /**
   * A store shared by every instance of the app (`createRedisStore(redis)` from
   * `@mastra/auth-workos/redis`): users and memberships are then fetched from WorkOS once per fleet,
   * `invalidateUser` reaches every instance, and a session cookie is refreshed once per fleet (the
   * new cookie kept there, sealed, for the 60 s grace window). Default: memory only.
   */
  store?: SharedStore;
  /** Bound on each WorkOS API call on the request path, in ms. Default 5000. */
  requestTimeoutMs?: number;
  /** Logger for rejections and upstream trouble; default: Mastra's logger for this component. */
  logger?: IMastraLogger;
  /** Source of the current time for every expiry, cache and back-off (for tests). Default: the system clock. */
  clock?: Clock;
  // ---- browser sign-in (see src/session/) ----
  /** Which WorkOS login the SSO button starts (connection, OAuth provider, organization, or AuthKit). */
  sso?: WorkOSSSOConfig;
  /** The sealed session cookie (`wos_session`): name, password (`WORKOS_COOKIE_PASSWORD`), lifetime, attributes. */
  session?: WorkOSSessionConfig;
}

/** Every option with its default applied: the one place defaults live. */
export interface ResolvedAuthSettings {
  name: string;
  /** Credentials, endpoint and client. */
  connection: ResolvedWorkOSConnection;
  clock: Clock;
  redirectUri: string | undefined;
  fetchMemberships: boolean;
  trustJwtClaims: boolean;
  jwtClaims: Required<Omit<WorkOSJwtClaimsConfig, 'workosId' | 'organizationMembershipId'>> &
    Pick<WorkOSJwtClaimsConfig, 'workosId' | 'organizationMembershipId'>;
  issuers: string[];
  audience: string[] | undefined;
  clockToleranceSec: number;
  maxTokenAgeSec: number | undefined;
  algorithms: string[];
  maxTokenLength: number;
  jwks: KeySetSettings;
  cache: CacheSettings | false;
  /** Size of the cache of verified tokens (by SHA-256) that lets a repeated token skip the checks; 0: off. */
  verifiedTokenCacheSize: number;
  requestTimeoutMs: number;
  store: SharedStore | undefined;
}

const ASYMMETRIC_ALGORITHMS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
]);

const COMPONENT = 'MastraAuthWorkos';

/** Default user/membership cache: WorkOS answers are kept a minute. */
export const DEFAULT_AUTH_CACHE: CacheSettings = { maxSize: 10_000, ttlMs: 60_000 };

/** Validates every option, reads the environment, and applies every default: the one place they live. */
export function resolveAuthSettings(options: MastraAuthWorkosOptions, env: Record<string, string | undefined>): ResolvedAuthSettings {
  const check: OptionValidator = new OptionValidator(COMPONENT);
  const algorithms = options.algorithms ?? ['RS256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((alg) => !ASYMMETRIC_ALGORITHMS.has(alg))) {
    check.fail(
      'algorithms',
      `\`algorithms\` may only list asymmetric JWS algorithms (${[...ASYMMETRIC_ALGORITHMS].join(', ')}); ` +
        `'none' and HMAC algorithms are refused because WorkOS signs with published public keys.`,
    );
  }
  const cache = check.cache('cache', options.cache, DEFAULT_AUTH_CACHE, ['tokens']);
  const requestTimeoutMs = check.requestTimeout(options.requestTimeoutMs);
  const connection = resolveWorkOSConnection(options, { env, requestTimeoutMs, component: COMPONENT });
  const claims = options.jwtClaims ?? {};
  return {
    name: options.name ?? 'workos',
    connection,
    clock: check.clock(options.clock),
    redirectUri: check.optionalString('redirectUri', options.redirectUri) ?? nonEmptyString(env.WORKOS_REDIRECT_URI),
    fetchMemberships: check.boolean('fetchMemberships', options.fetchMemberships, false),
    trustJwtClaims: check.boolean('trustJwtClaims', options.trustJwtClaims, false),
    jwtClaims: {
      userId: claims.userId ?? 'sub',
      email: claims.email ?? 'email',
      name: claims.name ?? 'name',
      organizationId: claims.organizationId ?? 'org_id',
      ...(claims.workosId !== undefined && { workosId: claims.workosId }),
      ...(claims.organizationMembershipId !== undefined && { organizationMembershipId: claims.organizationMembershipId }),
    },
    // Both issuer forms WorkOS uses for this host, unless the option replaces them.
    issuers: check.optionalStringList('issuer', options.issuer) ?? [
      connection.baseUrl,
      `${connection.baseUrl}/user_management/${connection.clientId}`,
    ],
    audience: check.optionalStringList('audience', options.audience),
    clockToleranceSec: check.number('clockTolerance', options.clockTolerance, 5, { allowZero: true }),
    maxTokenAgeSec: check.optionalNumber('maxTokenAge', options.maxTokenAge),
    algorithms,
    maxTokenLength: check.number('maxTokenLength', options.maxTokenLength, 8192, { integer: true }),
    jwks: {
      cacheMaxAgeMs: check.number('jwks.cacheMaxAgeMs', options.jwks?.cacheMaxAgeMs, 10 * 60_000),
      cooldownMs: check.number('jwks.cooldownMs', options.jwks?.cooldownMs, 30_000, { allowZero: true }),
      timeoutMs: check.number('jwks.timeoutMs', options.jwks?.timeoutMs, 5_000),
      staleIfErrorMs: check.number('jwks.staleIfErrorMs', options.jwks?.staleIfErrorMs, 60 * 60_000, { allowZero: true }),
    },
    cache,
    // The verified-token cache shares the user cache's bound; off with the caches or `tokens: false`.
    verifiedTokenCacheSize:
      cache === false || (options.cache !== undefined && options.cache !== false && options.cache.tokens === false) ? 0 : cache.maxSize,
    requestTimeoutMs,
    store: check.store(options.store),
  };
}
