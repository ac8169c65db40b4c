/**
 * What `MastraAuthWorkos` delegates for browser sign-in, in the shapes of Mastra's `ISSOProvider`,
 * `IUserProvider` and `ISessionProvider` (web-standard `Request` only; no Mastra types). Builds
 * the {@link SessionCore} from the resolved options and holds the one piece of per-request state
 * Mastra forces on us: the callback's `Cookie` header, handed over by `setCallbackCookieHeader`
 * right before `handleCallback`.
 */
import type { Clock } from '../shared/clock';
import { cookieHeaderOf, serializeCookie } from './cookies';
import { resolveSessionSettings, type ResolvedSessionSettings, type WorkOSSessionConfig } from './options';
import { SessionCore, type LogFn, type RefreshedSession, type SessionCoreDeps, type SessionRecord } from './session-core';

/** The core's dependencies, with the raw `session` options instead of resolved settings. */
export interface BrowserSignInOptions<U> extends Omit<SessionCoreDeps<U>, 'settings'> {
  redirectUri: string | undefined;
  session: WorkOSSessionConfig | undefined;
  env: Record<string, string | undefined>;
}

export interface LoginResult<U> {
  user: U;
  tokens: { accessToken: string; refreshToken?: string; expiresAt?: Date };
  cookies: string[];
}

const REDIRECT_URI_MISSING =
  'WorkOS redirect URI is required. Provide it in the options or set WORKOS_REDIRECT_URI environment variable, or call init() with a publicUrl.';

export class BrowserSignIn<U> {
  readonly settings: ResolvedSessionSettings;
  readonly #core: SessionCore<U> | undefined;
  readonly #clock: Clock;
  readonly #log: LogFn;
  #warnedEphemeral = false;
  #redirectUri: string | undefined;
  #callbackCookieHeader: string | null | undefined;

  constructor(options: BrowserSignInOptions<U>) {
    this.#redirectUri = options.redirectUri;
    this.#clock = options.clock;
    this.settings = resolveSessionSettings(options.session, {
      env: options.env,
      redirectUri: options.redirectUri,
      browserSignIn: options.sso !== undefined || options.session !== undefined || Boolean(options.redirectUri),
    });
    const { password } = this.settings;
    this.#log = options.log;
    this.#core =
      password === undefined
        ? undefined
        : new SessionCore<U>({ ...options, settings: { ...this.settings, password } });
  }

  /** Whether cookie sessions are on (off only in production without a cookie password). */
  get enabled(): boolean {
    return this.#core !== undefined;
  }

  get redirectUri(): string | undefined {
    return this.#redirectUri;
  }

  set redirectUri(value: string | undefined) {
    this.#redirectUri = value;
  }

  get refreshGrants(): number {
    return this.#core?.refreshGrants ?? 0;
  }

  // ---- cookie authentication ----

  sessionIdFromRequest(request: unknown): string | null {
    return this.#core?.sessionIdFromCookieHeader(cookieHeaderOf(request)) ?? null;
  }

  /** `ok` / `expired` / `invalid` (absent, tampered, foreign, ended) for a sealed value. */
  async authenticate(sealed: string): Promise<{ status: 'ok'; user: U } | { status: 'expired' } | { status: 'invalid' }> {
    if (!this.#core) return { status: 'invalid' };
    const check = await this.#core.authenticate(sealed);
    return check.status === 'ok' ? { status: 'ok', user: check.user } : { status: check.status };
  }

  async currentUser(request: unknown): Promise<U | null> {
    const sealed = this.sessionIdFromRequest(request);
    return sealed && this.#core ? this.#core.currentUser(sealed) : null;
  }

  // ---- ISessionProvider ----

  async createSession(userId: string, metadata: Record<string, unknown> | undefined): Promise<SessionRecord> {
    const now = this.#clock.now();
    const maxAgeSec = this.settings.maxAgeSec;
    const accessToken = metadata?.accessToken;
    const refreshToken = metadata?.refreshToken;
    if (this.#core && typeof accessToken === 'string' && typeof refreshToken === 'string') {
      const organizationId = typeof metadata?.organizationId === 'string' ? metadata.organizationId : undefined;
      return this.#requireCore().fromTokens(userId, accessToken, refreshToken, organizationId);
    }
    // Upstream's placeholder: a record no other member accepts.
    return { id: globalThis.crypto.randomUUID(), userId, createdAt: new Date(now), expiresAt: new Date(now + maxAgeSec * 1000), ...(metadata && { metadata }) };
  }

  async validateSession(sessionId: string): Promise<SessionRecord | null> {
    return this.#core ? this.#core.validate(sessionId) : null;
  }

  async destroySession(sessionId: string): Promise<void> {
    await this.#core?.destroy(sessionId);
  }

  async refreshSession(sessionId: string): Promise<RefreshedSession<U> | null> {
    return this.#core ? this.#core.refresh(sessionId) : null;
  }

  sessionHeaders(session: { id?: unknown }): Record<string, string> {
    const setCookie = this.#core?.setCookieFor(session);
    return setCookie === undefined ? {} : { 'Set-Cookie': setCookie };
  }

  clearSessionHeaders(): Record<string, string> {
    return { 'Set-Cookie': serializeCookie(this.settings.cookieName, '', this.settings.attributes, 0) };
  }

  // ---- ISSOProvider ----

  loginUrl(redirectUri: string, state: string): string {
    return this.#requireCore().loginUrl(this.#resolveRedirect(redirectUri), state);
  }

  loginCookies(redirectUri: string, state: string): string[] {
    return [this.#requireCore().loginCookie(this.#resolveRedirect(redirectUri), state)];
  }

  /** Stores the callback request's `Cookie` header for the very next `handleCallback`. */
  setCallbackCookieHeader(header: string | null | undefined): void {
    this.#callbackCookieHeader = header ?? null;
  }

  /** Reads and clears the stored header synchronously (before any await) — see the class comment. */
  takeCallbackCookieHeader(): string | null | undefined {
    const header = this.#callbackCookieHeader;
    this.#callbackCookieHeader = undefined;
    return header;
  }

  async handleCallback(code: string, state: string, cookieHeader: string | null | undefined): Promise<LoginResult<U>> {
    const core = this.#requireCore();
    const session = await core.completeLogin(code, state, cookieHeader);
    return {
      user: session.user,
      tokens: {
        accessToken: session.data.accessToken,
        refreshToken: session.data.refreshToken,
        expiresAt: new Date(session.payload.exp * 1000),
      },
      cookies: [session.setCookie, core.clearLoginCookie()],
    };
  }

  async logoutUrl(returnTo: string, request: unknown): Promise<string | null> {
    if (!this.#core || !request) return null;
    try {
      return await this.#core.logoutUrl(this.sessionIdFromRequest(request), returnTo);
    } catch {
      return null;
    }
  }

  #resolveRedirect(redirectUri: string): string {
    const resolved = redirectUri || this.#redirectUri;
    if (!resolved) throw new Error(REDIRECT_URI_MISSING);
    return resolved;
  }

  /** Cookie-creating paths only: a bearer-only app in development never hears about passwords. */
  #requireCore(): SessionCore<U> {
    if (this.settings.passwordIsEphemeral && !this.#warnedEphemeral) {
      this.#warnedEphemeral = true;
      this.#log(
        'warn',
        'cookie_password_generated',
        'WorkOS sessions use a random cookie password: sessions end when the process restarts. Set WORKOS_COOKIE_PASSWORD ' +
          '(or session.cookiePassword, at least 32 characters) to keep them.',
      );
    }
    if (!this.#core) {
      throw new Error(
        'MastraAuthWorkos: browser sign-in needs a cookie password. Set the WORKOS_COOKIE_PASSWORD environment variable ' +
          'or provide the `session.cookiePassword` option (at least 32 characters).',
      );
    }
    return this.#core;
  }
}
