import { MastraAuthProvider } from '@mastra/core/server';
import type { WorkOS } from '@workos-inc/node';
import { OncePerWindowLogger, type LogLevel } from '../shared/log-once';
import { WorkOSMastraError } from '../shared/errors';
import { WorkOSGateway } from '../shared/gateway';
import { WorkOSOrganizations } from './organizations';
import { WorkOSAuthenticator } from './authenticator';
import { WorkOSDirectory } from './directory';
import { WorkOSAuthError, type AuthFailureCode } from './errors';
import { WorkOSKeySet } from './key-set';
import { resolveAuthSettings, type MastraAuthWorkosOptions, type ResolvedAuthSettings } from './options';
import type { WorkOSUser } from './user';
import { TokenVerifier } from './verify';

/** The request type Mastra passes (taken from the base class so both declarations agree). */
export type MastraAuthRequest = Parameters<MastraAuthProvider<WorkOSUser>['authorizeUser']>[1];

/** Routine rejections log at debug; trouble that an operator must see logs at warn. */
const LOG_LEVELS: Partial<Record<AuthFailureCode, LogLevel>> = {
  jwks_unavailable: 'warn',
  hook_failed: 'error',
};

/** Counters for tests, the benchmark and health checks. */
export interface MastraAuthWorkosStats {
  /** WorkOS API calls (getUser, memberships) made by this instance. */
  workosApiCalls: number;
  /** JWKS fetches made by this instance. */
  jwksFetches: number;
  cachedUsers: number;
  cachedTokens: number;
}

/**
 * Mastra auth provider for WorkOS AuthKit access tokens. Pass it as `server.auth`.
 *
 * Each request's bearer token is verified locally against the WorkOS key set; the user is then
 * read from WorkOS (cached) and handed to Mastra as a {@link WorkOSUser}. Invalid credentials and
 * WorkOS failures yield `null` (401), with the reason logged once per window.
 */
export class MastraAuthWorkos extends MastraAuthProvider<WorkOSUser> {
  readonly #workos: WorkOS;
  readonly #clientId: string;
  readonly #settings: ResolvedAuthSettings;
  readonly #keySet: WorkOSKeySet;
  readonly #directory: WorkOSDirectory;
  readonly #verifier: TokenVerifier;
  readonly #authenticator: WorkOSAuthenticator;
  readonly #log: OncePerWindowLogger;
  readonly #gateway: WorkOSGateway;
  readonly #organizations: WorkOSOrganizations;
  readonly #options: MastraAuthWorkosOptions;

  constructor(options: MastraAuthWorkosOptions = {}) {
    const settings = resolveAuthSettings(options, process.env);
    super({ name: settings.name });
    if (options.logger) this.__setLogger(options.logger);
    const { connection, clock } = settings;
    this.#settings = settings;
    this.#workos = connection.workos;
    this.#clientId = connection.clientId;
    this.#log = new OncePerWindowLogger(() => this.logger, { clock });
    this.#gateway = new WorkOSGateway(this.#workos, { component: 'MastraAuthWorkos', requestTimeoutMs: settings.requestTimeoutMs, clock, log: this.#log });
    this.#keySet = new WorkOSKeySet(new URL(this.#workos.userManagement.getJwksUrl(this.#clientId)), settings.jwks, clock, {
      onFetchFailure: (reason, usingStale) =>
        this.#log.log('warn', 'jwks_fetch_failed', 'WorkOS key set fetch failed', { cause: reason, usingStaleKeys: usingStale }),
    });
    this.#verifier = new TokenVerifier(
      {
        algorithms: settings.algorithms,
        issuers: settings.issuers,
        audience: settings.audience,
        clientId: this.#clientId,
        clockToleranceSec: settings.clockToleranceSec,
        maxTokenAgeSec: settings.maxTokenAgeSec,
        maxTokenLength: settings.maxTokenLength,
        verifiedCacheSize: settings.verifiedTokenCacheSize,
      },
      this.#keySet,
      clock,
    );
    this.#directory = new WorkOSDirectory(this.#gateway, settings.cache, clock, {
      store: settings.store,
      clientId: this.#clientId,
      log: this.#log,
    });
    this.#authenticator = new WorkOSAuthenticator(settings, this.#verifier, this.#directory, options.mapJwtPayloadToUser);
    this.#organizations = new WorkOSOrganizations(this.#gateway, this.#directory);
    this.#options = options;
    this.registerOptions(options);
  }

  /** Verified user for a bearer token, or `null` (never throws). */
  async authenticateToken(token: string, _request?: MastraAuthRequest): Promise<WorkOSUser | null> {
    try {
      // A repeated token is answered synchronously: awaiting a plain value costs no extra hop.
      return await this.#authenticator.authenticate(token);
    } catch (error) {
      this.#reportFailure(error);
      return null;
    }
  }

  /** Default rule: any user WorkOS vouched for. Override (option or subclass) for stricter rules. */
  async authorizeUser(user: WorkOSUser, _request?: MastraAuthRequest): Promise<boolean> {
    return Boolean(user?.id && user?.workosId);
  }

  /** The WorkOS client this provider uses. */
  getWorkOS(): WorkOS {
    return this.#workos;
  }

  getClientId(): string {
    return this.#clientId;
  }

  /** The OAuth redirect URI (option, else `WORKOS_REDIRECT_URI`), `''` when none is set. */
  getRedirectUri(): string {
    return this.#settings.redirectUri ?? '';
  }

  /**
   * Drops a user's cached profile and memberships (e.g. from a Directory Sync webhook) at once in
   * this instance; with a `store`, also in the store and every other instance (the promise settles
   * when the store has it, and never rejects: with Redis down it is applied when Redis returns).
   */
  invalidateUser(userId: string): Promise<void> {
    return this.#directory.invalidateUser(userId);
  }

  /**
   * Ids of the cached users with this email (case-insensitive), from the caches alone (this
   * instance's, and the shared store's): how a Directory Sync event (which names a directory user,
   * not an AuthKit user) finds whom to forget.
   */
  cachedUserIdsByEmail(email: string): Promise<string[]> {
    return this.#directory.cachedUserIdsByEmail(email);
  }

  /**
   * The user's organization id: their first membership's organization, else a personal
   * organization created for them (`<email>'s org`, external id = the user id) with them as a
   * member. `undefined` when WorkOS fails (logged once per window, without user data).
   */
  async ensureOrganization(userId: string): Promise<string | undefined> {
    try {
      return await this.#organizations.ensure(userId);
    } catch (error) {
      this.#log.log('warn', 'ensure_organization_failed', 'MastraAuthWorkos: could not ensure an organization for the user', {
        error: error instanceof Error ? error.name : typeof error,
        ...(error instanceof WorkOSMastraError && { code: error.code }),
      });
      return undefined;
    }
  }

  /** Whether the user's membership in the organization has role `admin` or `owner`; `false` on any failure. */
  async isOrganizationAdmin(organizationId: string, userId: string): Promise<boolean> {
    try {
      return await this.#organizations.isAdmin(organizationId, userId);
    } catch {
      return false; // logged by the gateway
    }
  }

  // ---- what a subclass may read (upstream's protected members) ----

  /** The WorkOS client. */
  protected get workos(): WorkOS {
    return this.#workos;
  }

  protected get clientId(): string {
    return this.#clientId;
  }

  protected get redirectUri(): string {
    return this.getRedirectUri();
  }

  protected get fetchMemberships(): boolean {
    return this.#settings.fetchMemberships;
  }

  protected get trustJwtClaims(): boolean {
    return this.#settings.trustJwtClaims;
  }

  /** The `jwtClaims` option with its defaults applied. */
  protected get jwtClaimOptions(): ResolvedAuthSettings['jwtClaims'] {
    return this.#settings.jwtClaims;
  }

  protected get mapJwtPayloadToUser(): MastraAuthWorkosOptions['mapJwtPayloadToUser'] {
    return this.#options.mapJwtPayloadToUser;
  }

  getStats(): MastraAuthWorkosStats {
    return {
      workosApiCalls: this.#gateway.calls,
      jwksFetches: this.#keySet.fetchCount,
      cachedUsers: this.#directory.cachedUsers,
      cachedTokens: this.#verifier.cachedTokens,
    };
  }

  #reportFailure(error: unknown): void {
    if (error instanceof WorkOSAuthError) {
      if (error.code === 'token_missing') return; // every anonymous request: not news
      // Upstream failures were logged by the gateway, with status and request id.
      if (error.code === 'upstream_unavailable' || error.code === 'upstream_rate_limited') return;
      const level = LOG_LEVELS[error.code] ?? 'debug';
      this.#log.log(level, error.code, `WorkOS authentication rejected: ${error.message}`, { code: error.code });
      return;
    }
    // A bug or an unexpected SDK answer: still deny, but say so loudly (without the token).
    const name = error instanceof Error ? error.name : typeof error;
    this.#log.log('error', 'unexpected', 'WorkOS authentication failed unexpectedly', { error: name });
  }
}
