import { MastraAuthProvider } from '@mastra/core/server';
import type { AuthInitContext, ISessionProvider, ISSOProvider, IUserProvider } from '@mastra/core/server';
import type { WorkOS } from '@workos-inc/node';
import { OncePerWindowLogger, type LogLevel } from '../shared/log-once';
import { WorkOSMastraError } from '../shared/errors';
import { WorkOSGateway } from '../shared/gateway';
import { BrowserSignIn } from '../session/browser-sign-in';
import type { ResolvedSessionSettings } from '../session/options';
import type { SessionRecord } from '../session/session-core';
import { WorkOSOrganizations } from './organizations';
import { WorkOSAuthenticator } from './authenticator';
import { WorkOSDirectory } from './directory';
import { WorkOSAuthError, type AuthFailureCode } from './errors';
import { WorkOSKeySet } from './key-set';
import { resolveAuthSettings, type MastraAuthWorkosOptions, type ResolvedAuthSettings } from './options';
import { mapWorkOSUserToEEUser, type WorkOSUser } from './user';
import { TokenVerifier } from './verify';

/** The request type Mastra passes (taken from the base class so both declarations agree). */
export type MastraAuthRequest = Parameters<MastraAuthProvider<WorkOSUser>['authorizeUser']>[1];

/** Mastra's SSO result and button shapes (not exported by name from @mastra/core). */
type SSOCallbackResult = Awaited<ReturnType<ISSOProvider<WorkOSUser>['handleCallback']>>;
type SSOLoginConfig = ReturnType<ISSOProvider<WorkOSUser>['getLoginButtonConfig']>;

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
  /** Refresh-token grants sent to WorkOS by this instance. */
  sessionRefreshGrants: number;
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
export class MastraAuthWorkos
  extends MastraAuthProvider<WorkOSUser>
  implements ISSOProvider<WorkOSUser>, IUserProvider<WorkOSUser>, ISessionProvider<SessionRecord>
{
  readonly #workos: WorkOS;
  readonly #clientId: string;
  readonly #keySet: WorkOSKeySet;
  readonly #directory: WorkOSDirectory;
  readonly #verifier: TokenVerifier;
  readonly #authenticator: WorkOSAuthenticator;
  readonly #log: OncePerWindowLogger;
  readonly #gateway: WorkOSGateway;
  readonly #settings: ResolvedAuthSettings;
  readonly #browser: BrowserSignIn<WorkOSUser>;
  readonly #ssoConfig: MastraAuthWorkosOptions['sso'];
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
    // ---- browser sign-in: src/session/ does the work ----
    this.#ssoConfig = options.sso;
    this.#browser = new BrowserSignIn<WorkOSUser>({
      workos: this.#workos,
      clientId: this.#clientId,
      redirectUri: settings.redirectUri,
      sso: options.sso,
      session: options.session,
      env: process.env,
      clock,
      verify: (accessToken) => this.#verifier.verify(accessToken),
      isExpired: (error) => error instanceof WorkOSAuthError && error.code === 'token_expired',
      toUser: (workosUser, payload) => this.#authenticator.authenticateSession(payload, workosUser),
      call: (operation, run) => this.#gateway.call(operation, run),
      log: (level, reason, message, context) => this.#log.log(level, reason, message, context),
      ...(settings.cache === false && { cacheSize: 0 }),
      ...(settings.store && { store: settings.store }),
    });
    this.#organizations = new WorkOSOrganizations(this.#gateway, this.#directory);
    this.#options = options;
    this.registerOptions(options);
  }

  /**
   * The user of a request, or `null` (never throws). The session cookie comes first (or a sealed
   * value passed as `token`, as Mastra does after a refresh); an expired cookie gives `null`
   * without calling WorkOS so that Mastra's refresh path runs. Then the bearer token.
   */
  async authenticateToken(token: string, request?: MastraAuthRequest): Promise<WorkOSUser | null> {
    try {
      const sealedToken = typeof token === 'string' && token.startsWith('Fe26.2*');
      const sealed = sealedToken ? token : this.#browser.sessionIdFromRequest(request);
      if (sealed) {
        const session = await this.#browser.authenticate(sealed);
        if (session.status === 'ok') return session.user;
        if (sealedToken || !token) return null;
      }
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

  /** The configured redirect URI (option, env, or `init`), `''` when none. */
  getRedirectUri(): string {
    return this.#browser.redirectUri ?? '';
  }

  /** Upstream returned authkit-session's `AuthService`; this package has none (see README). */
  getAuthService(): undefined {
    return undefined;
  }

  /** Mastra hosts that know their public URL: `<publicUrl>/auth/callback` becomes the redirect URI when none is set. */
  async init(ctx: AuthInitContext): Promise<void> {
    if (this.#browser.redirectUri) return;
    if (ctx?.publicUrl) {
      this.#browser.redirectUri = `${ctx.publicUrl.replace(/\/+$/, '')}/auth/callback`;
      return;
    }
    throw new Error(
      'WorkOS redirect URI is required. Provide it in the options or set WORKOS_REDIRECT_URI environment variable, or call init() with a publicUrl.',
    );
  }

  // ---- ISSOProvider (browser sign-in; delegated to src/session/) ----

  /** WorkOS's authorization URL (AuthKit, or the configured connection/provider/organization), with PKCE. */
  getLoginUrl(redirectUri: string, state: string): string {
    return this.#browser.loginUrl(redirectUri, state);
  }

  /** The signed, 10-minute `wos_auth_state` cookie that binds the callback to this browser. */
  getLoginCookies(redirectUri: string, state: string): string[] {
    return this.#browser.loginCookies(redirectUri, state);
  }

  /** Called by Mastra with the callback request's `Cookie` header right before {@link handleCallback}. */
  setCallbackCookieHeader(cookieHeader: string | null | undefined): void {
    this.#browser.setCallbackCookieHeader(cookieHeader);
  }

  /** Checks the state cookie, exchanges the code (PKCE), seals the session; throws on a mismatch. */
  handleCallback(code: string, state: string): Promise<SSOCallbackResult> {
    // Synchronously, before any await: Mastra sets the header and calls us back to back.
    const cookieHeader = this.#browser.takeCallbackCookieHeader();
    return this.#browser.handleCallback(code, state, cookieHeader);
  }

  /** WorkOS's logout URL for the cookie's session (read without network or refresh), else `null`. */
  getLogoutUrl(redirectUri: string, request?: Request): Promise<string | null> {
    return this.#browser.logoutUrl(redirectUri, request);
  }

  getLoginButtonConfig(): SSOLoginConfig {
    const sso = this.#ssoConfig;
    const named: Record<string, string> = {
      GoogleOAuth: 'Sign in with Google',
      MicrosoftOAuth: 'Sign in with Microsoft',
      GitHubOAuth: 'Sign in with GitHub',
      AppleOAuth: 'Sign in with Apple',
    };
    return {
      provider: 'workos',
      text: sso?.buttonText ?? (sso?.provider ? named[sso.provider] : undefined) ?? 'Sign in',
      ...(sso?.description !== undefined && { description: sso.description }),
      ...(sso?.icon !== undefined && { icon: sso.icon }),
    };
  }

  // ---- IUserProvider ----

  /** The signed-in user of a browser request (session cookie), or `null`. */
  async getCurrentUser(request: Request): Promise<WorkOSUser | null> {
    try {
      return await this.#browser.currentUser(request);
    } catch (error) {
      this.#reportFailure(error);
      return null;
    }
  }

  /** A WorkOS user by id (cached), or `null`. */
  async getUser(userId: string): Promise<WorkOSUser | null> {
    try {
      return mapWorkOSUserToEEUser(await this.#directory.getUser(userId));
    } catch {
      return null;
    }
  }

  /** Several users by id (each cached; unknown ones are `null`). */
  getUsers(userIds: string[]): Promise<Array<WorkOSUser | null>> {
    return Promise.all(userIds.map((id) => this.getUser(id)));
  }

  getUserProfileUrl(user: WorkOSUser): string {
    return `/profile/${user.id}`;
  }

  // ---- ISessionProvider (the session id is the sealed cookie: a credential, never logged) ----

  createSession(userId: string, metadata?: Record<string, unknown>): Promise<SessionRecord> {
    return this.#browser.createSession(userId, metadata);
  }

  validateSession(sessionId: string): Promise<SessionRecord | null> {
    return this.#browser.validateSession(sessionId).catch(() => null);
  }

  /** Revokes the WorkOS session; its cookies are refused from now on. Never throws. */
  destroySession(sessionId: string): Promise<void> {
    return this.#browser.destroySession(sessionId).catch(() => undefined);
  }

  /** One refresh grant per session at a time; concurrent and late callers get the same new session. */
  async refreshSession(sessionId: string): Promise<SessionRecord | null> {
    try {
      return (await this.#browser.refreshSession(sessionId))?.record ?? null;
    } catch (error) {
      this.#reportFailure(error);
      return null;
    }
  }

  getSessionIdFromRequest(request: Request): string | null {
    return this.#browser.sessionIdFromRequest(request);
  }

  getSessionHeaders(session: SessionRecord): Record<string, string> {
    return this.#browser.sessionHeaders(session);
  }

  getClearSessionHeaders(): Record<string, string> {
    return this.#browser.clearSessionHeaders();
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

  /** The `sso` option. */
  protected get ssoConfig(): MastraAuthWorkosOptions['sso'] {
    return this.#ssoConfig;
  }

  /** The resolved session/cookie settings (the password is not exposed). */
  protected get config(): Omit<ResolvedSessionSettings, 'password'> {
    const { password: _password, ...config } = this.#browser.settings;
    return config;
  }

  getStats(): MastraAuthWorkosStats {
    return {
      workosApiCalls: this.#gateway.calls,
      jwksFetches: this.#keySet.fetchCount,
      sessionRefreshGrants: this.#browser.refreshGrants,
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
