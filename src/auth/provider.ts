import { MastraAuthProvider } from '@mastra/core/server';
import type { WorkOS } from '@workos-inc/node';
import { OncePerWindowLogger, type LogLevel } from '../shared/log-once';
import { WorkOSGateway } from '../shared/gateway';
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
  authorizeUser(user: WorkOSUser, _request?: MastraAuthRequest): Promise<boolean> | boolean {
    return Boolean(user?.id && user?.workosId);
  }

  /** The WorkOS client this provider uses. */
  getWorkOS(): WorkOS {
    return this.#workos;
  }

  getClientId(): string {
    return this.#clientId;
  }

  getRedirectUri(): string | undefined {
    return this.#settings.redirectUri;
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
