import type { IMastraLogger } from '@mastra/core/logger';
import type { MastraAuthProviderOptions } from '@mastra/core/server';
import type { JWTPayload } from 'jose';
import type { CacheSettings } from '../shared/cached-loader';
import { WorkOSConfigError } from '../shared/config-error';
import type { WorkOSConnectionOptions } from '../shared/workos-connection';
import type { WorkOSJwtClaimsConfig } from './claims';
import type { Clock } from '../shared/clock';
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
  /** Required `aud` value(s). Default: not checked (WorkOS user-management tokens carry none). */
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
  redirectUri: string | undefined;
  fetchMemberships: boolean;
  trustJwtClaims: boolean;
  jwtClaims: Required<Omit<WorkOSJwtClaimsConfig, 'workosId' | 'organizationMembershipId'>> &
    Pick<WorkOSJwtClaimsConfig, 'workosId' | 'organizationMembershipId'>;
  issuers: string[] | undefined;
  audience: string[] | undefined;
  clockToleranceSec: number;
  maxTokenAgeSec: number | undefined;
  algorithms: string[];
  maxTokenLength: number;
  jwks: KeySetSettings;
  cache: CacheSettings | false;
  /** Whether verified tokens are cached (by SHA-256) so a repeated token skips the signature check. */
  cacheTokens: boolean;
  requestTimeoutMs: number;
}

/** WorkOS access tokens live 300 s; caching a user longer would outlive every token that named it. */
export const MAX_CACHE_TTL_MS = 300_000;

const ASYMMETRIC_ALGORITHMS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
]);

function positiveNumber(option: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new WorkOSConfigError(option, `MastraAuthWorkos: \`${option}\` must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}.`);
  }
  return value;
}

function stringList(option: string, value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw new WorkOSConfigError(option, `MastraAuthWorkos: \`${option}\` must be a non-empty string or a list of them.`);
  }
  return list;
}

export function resolveAuthSettings(options: MastraAuthWorkosOptions, env: Record<string, string | undefined>): ResolvedAuthSettings {
  const algorithms = options.algorithms ?? ['RS256'];
  if (algorithms.length === 0 || algorithms.some((alg) => !ASYMMETRIC_ALGORITHMS.has(alg))) {
    throw new WorkOSConfigError(
      'algorithms',
      `MastraAuthWorkos: \`algorithms\` may only list asymmetric JWS algorithms (${[...ASYMMETRIC_ALGORITHMS].join(', ')}); ` +
        `'none' and HMAC algorithms are refused because WorkOS signs with published public keys.`,
    );
  }

  let cache: CacheSettings | false = false;
  if (options.cache !== false) {
    const maxSize = positiveNumber('cache.maxSize', options.cache?.maxSize, 10_000);
    const ttlMs = positiveNumber('cache.ttlMs', options.cache?.ttlMs, 60_000);
    if (!Number.isInteger(maxSize)) {
      throw new WorkOSConfigError('cache.maxSize', 'MastraAuthWorkos: `cache.maxSize` must be a whole number.');
    }
    if (ttlMs > MAX_CACHE_TTL_MS) {
      throw new WorkOSConfigError(
        'cache.ttlMs',
        `MastraAuthWorkos: \`cache.ttlMs\` may be at most ${MAX_CACHE_TTL_MS} (the WorkOS access-token lifetime), got ${ttlMs}.`,
      );
    }
    cache = { maxSize, ttlMs };
  }

  const maxTokenLength = positiveNumber('maxTokenLength', options.maxTokenLength, 8192);
  return {
    name: options.name ?? 'workos',
    redirectUri: options.redirectUri ?? (env.WORKOS_REDIRECT_URI || undefined),
    fetchMemberships: options.fetchMemberships ?? false,
    trustJwtClaims: options.trustJwtClaims ?? false,
    jwtClaims: {
      userId: options.jwtClaims?.userId ?? 'sub',
      email: options.jwtClaims?.email ?? 'email',
      name: options.jwtClaims?.name ?? 'name',
      organizationId: options.jwtClaims?.organizationId ?? 'org_id',
      ...(options.jwtClaims?.workosId !== undefined && { workosId: options.jwtClaims.workosId }),
      ...(options.jwtClaims?.organizationMembershipId !== undefined && {
        organizationMembershipId: options.jwtClaims.organizationMembershipId,
      }),
    },
    issuers: stringList('issuer', options.issuer),
    audience: stringList('audience', options.audience),
    clockToleranceSec: positiveNumber('clockTolerance', options.clockTolerance, 5, true),
    maxTokenAgeSec: options.maxTokenAge === undefined ? undefined : positiveNumber('maxTokenAge', options.maxTokenAge, 0),
    algorithms,
    maxTokenLength,
    jwks: {
      cacheMaxAgeMs: positiveNumber('jwks.cacheMaxAgeMs', options.jwks?.cacheMaxAgeMs, 10 * 60_000),
      cooldownMs: positiveNumber('jwks.cooldownMs', options.jwks?.cooldownMs, 30_000, true),
      timeoutMs: positiveNumber('jwks.timeoutMs', options.jwks?.timeoutMs, 5_000),
      staleIfErrorMs: positiveNumber('jwks.staleIfErrorMs', options.jwks?.staleIfErrorMs, 60 * 60_000, true),
    },
    cache,
    cacheTokens: cache !== false && options.cache !== false && options.cache?.tokens !== false,
    requestTimeoutMs: positiveNumber('requestTimeoutMs', options.requestTimeoutMs, 5_000),
  };
}
