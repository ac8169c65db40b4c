/**
 * Browser sessions, free of framework types: the sealed cookie in, a user or a new cookie out.
 *
 * - `authenticate(sealed)`: unseal (cached by the cookie's SHA-256 until the access token
 *   expires) → verify the access token with the bearer path's verifier → user from the seal. An
 *   expired access token gives `expired` **without calling WorkOS**, so Mastra's refresh path runs
 *   (the only path that can put the new cookie in the response).
 * - `refresh(sealed)`: {@link SessionRefresher} (single-flight + grace; with a `store`, fleet-wide)
 *   → new seal with the new refresh token and the organization kept.
 * - `destroy(sealed)`: revokes the WorkOS session and refuses its cookies from then on.
 * - the login: authorization URL with PKCE, a signed state cookie, the code exchange.
 *
 * Nothing here throws on bad input: tampered, foreign or truncated cookies are "no session".
 */
import { hash } from 'node:crypto';
import type { AuthenticationResponse, User, WorkOS } from '@workos-inc/node';
import type { JWTPayload } from 'jose';
import type { Clock } from '../shared/clock';
import { LruTtlCache } from '../shared/lru-cache';
import { StoreUnavailableError, type SharedStore } from '../shared/store';
import { readCookie, serializeCookie } from './cookies';
import { LoginStateSigner, stateIdOf } from './login-state';
import type { ResolvedSessionSettings, WorkOSSSOConfig } from './options';
import { SessionRefresher, type RefreshFailure, type RefreshSettings, type RefreshShareEvent } from './refresher';
import { sealData, unsealData } from './seal';
import { asSessionData, unverifiedClaims, type SessionData } from './session-data';

/** A verified access token (the bearer verifier's result). */
export interface VerifiedAccessToken {
  payload: JWTPayload & { sub: string; exp: number };
}

/** The session record Mastra's `ISessionProvider` speaks. `id` is the sealed cookie. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  metadata?: Record<string, unknown>;
}

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', reason: string, message: string, context?: Record<string, unknown>) => void;

export interface SessionCoreDeps<U> {
  workos: WorkOS;
  clientId: string;
  settings: ResolvedSessionSettings & { password: string };
  sso: WorkOSSSOConfig | undefined;
  clock: Clock;
  /** Verifies an access token (signature, issuer, exp …); throws on failure. */
  verify(accessToken: string): Promise<VerifiedAccessToken>;
  /** Whether a `verify` failure means "expired" (and only that). */
  isExpired(error: unknown): boolean;
  /** Builds the request's user from the sealed WorkOS user and the verified claims. */
  toUser(workosUser: User, payload: VerifiedAccessToken['payload']): Promise<U>;
  /** Runs a WorkOS call (deadline, counting, classification). */
  call<T>(operation: string, run: (workos: WorkOS) => Promise<T>): Promise<T>;
  log: LogFn;
  refresh?: Partial<RefreshSettings>;
  /** Unsealed-cookie cache size. Default 10 000; 0 disables it. */
  cacheSize?: number;
  /**
   * The fleet's shared store: one refresh grant per session across every instance, the new
   * cookie kept there (sealed) for the grace window.
   */
  store?: SharedStore;
}

export type SessionCheck<U> =
  | { status: 'ok'; user: U; data: SessionData; payload: VerifiedAccessToken['payload'] }
  | { status: 'expired'; data: SessionData }
  | { status: 'invalid' };

/** A refreshed session: the new seal and the user it authenticates. */
export interface RefreshedSession<U> {
  sealed: string;
  data: SessionData;
  payload: VerifiedAccessToken['payload'];
  user: U;
  record: SessionRecord;
  setCookie: string;
}

export class SessionCore<U> {
  readonly #deps: SessionCoreDeps<U>;
  readonly #settings: SessionCoreDeps<U>['settings'];
  readonly #state: LoginStateSigner;
  readonly #refresher: SessionRefresher<RefreshedSession<U>>;
  /** SHA-256 of the cookie → its unsealed content, until the access token expires. */
  readonly #opened: LruTtlCache<string, SessionData> | undefined;
  /** Session ids ended by `destroy`: their cookies are refused even while the access token lives. */
  readonly #ended: LruTtlCache<string, true>;
  /** SHA-256 of session ids another instance ended (heard through the shared store). */
  readonly #endedElsewhere: LruTtlCache<string, true>;
  /** The store namespace logouts are announced on. */
  get #endedNamespace(): string {
    return `${this.#deps.clientId}:session:ended`;
  }

  constructor(deps: SessionCoreDeps<U>) {
    this.#deps = deps;
    this.#settings = deps.settings;
    const now = () => deps.clock.now();
    this.#state = new LoginStateSigner(deps.settings.password, deps.clock, deps.settings.stateTtlSec);
    const cacheSize = deps.cacheSize ?? 10_000;
    this.#opened = cacheSize > 0 ? new LruTtlCache({ maxSize: cacheSize, ttlMs: 60 * 60_000, now }) : undefined;
    this.#ended = new LruTtlCache({ maxSize: 10_000, ttlMs: 60 * 60_000, now });
    this.#endedElsewhere = new LruTtlCache({ maxSize: 10_000, ttlMs: 60 * 60_000, now });
    // With a shared store a logout reaches every instance: each refuses the ended session's cookie.
    deps.store?.register({
      name: this.#endedNamespace,
      onInvalidation: (message) => {
        if (message.op === 'group') this.#endedElsewhere.set(message.group, true);
      },
    });
    this.#refresher = new SessionRefresher<RefreshedSession<U>>(
      {
        clock: deps.clock,
        grant: (refreshToken, organizationId) =>
          deps.call('authenticateWithRefreshToken', (workos) =>
            workos.userManagement.authenticateWithRefreshToken({
              clientId: deps.clientId,
              refreshToken,
              ...(organizationId !== undefined && { organizationId }),
            }),
          ),
        complete: (response, previous) => this.#fromAuthentication(response, previous.organizationId),
        onFailure: (failure, detail) => this.#logRefreshFailure(failure, detail),
        ...(deps.store && {
          share: {
            store: deps.store,
            namespace: `${deps.clientId}:session:refresh`,
            password: deps.settings.password,
            cookieOf: (session: RefreshedSession<U>) => session.sealed,
            fromCookie: (sealed: string) => this.#fromSeal(sealed),
            onEvent: (event: RefreshShareEvent, error?: unknown) => this.#logShareEvent(deps.store!, event, error),
          },
        }),
      },
      deps.refresh,
    );
  }

  get cookieName(): string {
    return this.#settings.cookieName;
  }

  /** Refresh grants sent to WorkOS by this instance. */
  get refreshGrants(): number {
    return this.#refresher.grants;
  }

  /** The sealed session cookie of a `Cookie` header, or `null`. */
  sessionIdFromCookieHeader(header: string | null | undefined): string | null {
    const value = readCookie(header, this.#settings.cookieName);
    return value !== null && value.startsWith('Fe26.2*') ? value : null;
  }

  // ---- reading a session ----

  async open(sealed: string): Promise<SessionData | undefined> {
    const key = this.#opened ? hash('sha256', sealed, 'base64url') : '';
    const cached = this.#opened?.get(key);
    if (cached !== undefined) return cached;
    const data = asSessionData(await unsealData(sealed, this.#settings.password));
    if (data === undefined) return undefined;
    const exp = unverifiedClaims(data.accessToken).exp;
    if (this.#opened && typeof exp === 'number') this.#opened.set(key, data, exp * 1000 - this.#deps.clock.now());
    return data;
  }

  /** The session of a sealed cookie: ok (with the user), expired (refresh it), or invalid. */
  async authenticate(sealed: string): Promise<SessionCheck<U>> {
    const data = await this.open(sealed);
    if (data === undefined) return { status: 'invalid' };
    let verified: VerifiedAccessToken;
    try {
      verified = await this.#deps.verify(data.accessToken);
    } catch (error) {
      if (this.#deps.isExpired(error)) return { status: 'expired', data };
      this.#deps.log('debug', 'session_token_invalid', 'WorkOS session cookie carries an access token that does not verify');
      return { status: 'invalid' };
    }
    const { payload } = verified;
    if (payload.sub !== data.user.id) return { status: 'invalid' };
    if (typeof payload.sid === 'string' && this.#sessionEnded(payload.sid)) return { status: 'invalid' };
    return { status: 'ok', user: await this.#deps.toUser(data.user, payload), data, payload };
  }

  /** The user of a cookie, also when its access token expired but a refresh already happened. */
  async currentUser(sealed: string): Promise<U | null> {
    const check = await this.authenticate(sealed);
    if (check.status === 'ok') return check.user;
    if (check.status === 'expired') {
      const recent = await this.#refresher.recent(check.data);
      if (recent && !this.#isEnded(recent.payload)) return recent.user;
    }
    return null;
  }

  /** The session record of a live cookie, else `null`. */
  async validate(sealed: string): Promise<SessionRecord | null> {
    const check = await this.authenticate(sealed);
    return check.status === 'ok' ? this.#record(sealed, check.data, check.payload) : null;
  }

  // ---- refresh ----

  /** A new session for the cookie's refresh token, or `null` (dead, revoked, WorkOS down). */
  async refresh(sealed: string): Promise<RefreshedSession<U> | null> {
    const data = await this.open(sealed);
    if (data === undefined) return null;
    const sid = unverifiedClaims(data.accessToken).sid;
    if (typeof sid === 'string' && this.#sessionEnded(sid)) return null;
    const outcome = await this.#refresher.refresh(data);
    return outcome.result ?? null;
  }

  /** `Set-Cookie` for a session record whose id is a seal; `undefined` otherwise. */
  setCookieFor(record: { id?: unknown }): string | undefined {
    if (typeof record?.id !== 'string' || !record.id.startsWith('Fe26.2*')) return undefined;
    return serializeCookie(this.#settings.cookieName, record.id, this.#settings.attributes, this.#settings.maxAgeSec);
  }

  // ---- ending a session ----

  /** Revokes the WorkOS session (errors logged, not thrown) and refuses the cookie from now on. */
  async destroy(sealed: string): Promise<void> {
    const data = await this.open(sealed);
    if (data === undefined) return;
    await this.#refresher.forget(data);
    const sid = unverifiedClaims(data.accessToken).sid;
    if (typeof sid !== 'string' || sid === '') return;
    this.#ended.set(sid, true);
    // Only a hash of the session id travels (never rejects: a store that is down keeps it for later).
    void this.#deps.store?.invalidate(this.#endedNamespace, hash('sha256', sid, 'base64url'));
    try {
      await this.#deps.call('revokeSession', (workos) => workos.userManagement.revokeSession({ sessionId: sid }));
    } catch (error) {
      this.#deps.log('warn', 'session_revoke_failed', 'WorkOS session revoke failed; the session is refused locally', {
        status: (error as { status?: unknown })?.status,
      });
    }
  }

  /** WorkOS's logout URL for the cookie's session (no network, no refresh), or `null`. */
  async logoutUrl(sealed: string | null, returnTo: string): Promise<string | null> {
    if (!sealed) return null;
    const data = await this.open(sealed);
    if (data === undefined) return null;
    const sid = unverifiedClaims(data.accessToken).sid;
    if (typeof sid !== 'string' || sid === '') return null;
    return this.#deps.workos.userManagement.getLogoutUrl({ sessionId: sid, ...(returnTo && { returnTo }) });
  }

  // ---- creating a session ----

  /** A session from tokens (Mastra's `createSession` fallback); the user is read from WorkOS. */
  async fromTokens(userId: string, accessToken: string, refreshToken: string, organizationId: string | undefined): Promise<SessionRecord> {
    const user = await this.#deps.call('getUser', (workos) => workos.userManagement.getUser(userId));
    const data: SessionData = { accessToken, refreshToken, user, ...(organizationId !== undefined && { organizationId }) };
    const sealed = await sealData(data, this.#settings.password);
    return this.#record(sealed, data, unverifiedClaims(accessToken));
  }

  // ---- login ----

  /** WorkOS's authorization URL with PKCE bound to the login attempt. */
  loginUrl(redirectUri: string, state: string): string {
    const { codeChallenge } = this.#state.pkce(stateIdOf(state));
    const sso = this.#deps.sso;
    const target = sso?.connection
      ? { connectionId: sso.connection }
      : sso?.provider
        ? { provider: sso.provider }
        : sso?.defaultOrganization
          ? { organizationId: sso.defaultOrganization }
          : { provider: 'authkit' };
    return this.#deps.workos.userManagement.getAuthorizationUrl({
      clientId: this.#deps.clientId,
      redirectUri,
      state,
      codeChallenge,
      codeChallengeMethod: 'S256',
      ...target,
    });
  }

  /** The short-lived, signed state cookie for a login attempt. */
  loginCookie(redirectUri: string, state: string): string {
    const value = this.#state.sign(stateIdOf(state), redirectUri);
    return serializeCookie(this.#settings.stateCookieName, value, this.#settings.attributes, this.#settings.stateTtlSec);
  }

  clearLoginCookie(): string {
    return serializeCookie(this.#settings.stateCookieName, '', this.#settings.attributes, 0);
  }

  /**
   * Completes a login: the state cookie of `cookieHeader` must match `stateId` (a missing one is
   * the login-CSRF case), then the code is exchanged with the PKCE verifier. Throws an `Error`
   * whose message is safe to show (no code, no token).
   */
  async completeLogin(code: string, stateId: string, cookieHeader: string | null | undefined): Promise<RefreshedSession<U>> {
    if (!this.#state.verify(readCookie(cookieHeader, this.#settings.stateCookieName), stateIdOf(stateId))) {
      this.#deps.log('warn', 'oauth_state_mismatch', 'WorkOS sign-in refused: the OAuth state does not match this browser');
      throw new Error('OAuth state mismatch');
    }
    const { codeVerifier } = this.#state.pkce(stateIdOf(stateId));
    let response: AuthenticationResponse;
    try {
      response = await this.#deps.call('authenticateWithCode', (workos) =>
        workos.userManagement.authenticateWithCode({ clientId: this.#deps.clientId, code, codeVerifier }),
      );
    } catch (error) {
      const failure = error as { error?: unknown; status?: unknown; cause?: { error?: unknown } };
      const reason = failure?.error ?? failure?.cause?.error;
      const status = failure?.status;
      this.#deps.log('warn', 'code_exchange_failed', 'WorkOS sign-in failed: code exchange refused', { status, error: reason });
      throw new Error(`WorkOS sign-in failed${typeof reason === 'string' && /^[a-z_]{1,40}$/.test(reason) ? ` (${reason})` : ''}`);
    }
    return this.#fromAuthentication(response, undefined);
  }

  // ---- internals ----

  async #fromAuthentication(response: AuthenticationResponse, previousOrganizationId: string | undefined): Promise<RefreshedSession<U>> {
    const organizationId = response.organizationId ?? previousOrganizationId;
    const data: SessionData = {
      accessToken: response.accessToken,
      refreshToken: response.refreshToken,
      user: response.user,
      ...(organizationId !== undefined && { organizationId }),
      ...(response.impersonator !== undefined && { impersonator: response.impersonator }),
      ...(response.authenticationMethod !== undefined && { authenticationMethod: response.authenticationMethod }),
    };
    return this.#session(await sealData(data, this.#settings.password), data);
  }

  /** The session of a cookie another instance refreshed (a grace entry); throws when it does not verify. */
  async #fromSeal(sealed: string): Promise<RefreshedSession<U>> {
    const data = await this.open(sealed);
    if (data === undefined) throw new TypeError('not a session seal');
    return this.#session(sealed, data);
  }

  async #session(sealed: string, data: SessionData): Promise<RefreshedSession<U>> {
    const { payload } = await this.#deps.verify(data.accessToken);
    if (this.#opened) this.#opened.set(hash('sha256', sealed, 'base64url'), data, payload.exp * 1000 - this.#deps.clock.now());
    const user = await this.#deps.toUser(data.user, payload);
    return {
      sealed,
      data,
      payload,
      user,
      record: this.#record(sealed, data, payload),
      setCookie: serializeCookie(this.#settings.cookieName, sealed, this.#settings.attributes, this.#settings.maxAgeSec),
    };
  }

  #record(sealed: string, data: SessionData, payload: JWTPayload): SessionRecord {
    const now = this.#deps.clock.now();
    return {
      id: sealed,
      userId: data.user.id,
      createdAt: new Date(typeof payload.iat === 'number' ? payload.iat * 1000 : now),
      expiresAt: new Date(typeof payload.exp === 'number' ? payload.exp * 1000 : now),
      metadata: {
        ...(typeof payload.sid === 'string' && { workosSessionId: payload.sid }),
        ...(data.organizationId !== undefined && { organizationId: data.organizationId }),
      },
    };
  }

  #isEnded(payload: JWTPayload): boolean {
    return typeof payload.sid === 'string' && this.#sessionEnded(payload.sid);
  }

  /** Ended here, or (with a store) ended by another instance. */
  #sessionEnded(sid: string): boolean {
    if (this.#ended.get(sid) === true) return true;
    return this.#endedElsewhere.size > 0 && this.#endedElsewhere.get(hash('sha256', sid, 'base64url')) === true;
  }

  #logShareEvent(store: SharedStore, event: RefreshShareEvent, error: unknown): void {
    const cause = error instanceof StoreUnavailableError ? error.reason : error instanceof Error ? error.name : undefined;
    if (event === 'store_unavailable') {
      this.#deps.log('warn', 'store_unavailable', `session: shared ${store.kind} store unavailable; refreshing sessions in this instance only`, {
        store: store.kind,
        ...(cause !== undefined && { cause }),
      });
    } else if (event === 'lock_wait_expired') {
      this.#deps.log(
        'warn',
        'session_refresh_lock_wait_expired',
        `WorkOS session refresh: another instance held this session's refresh for over ${store.lockWaitMs} ms without a result; refreshing here (the refresh token may already be spent)`,
        { store: store.kind, lockWaitMs: store.lockWaitMs },
      );
    } else {
      this.#deps.log('warn', 'session_refresh_grace_unusable', "WorkOS session refresh: another instance's refreshed session could not be used (different cookie password, or it does not verify)", {
        store: store.kind,
        ...(cause !== undefined && { cause }),
      });
    }
  }

  #logRefreshFailure(failure: RefreshFailure, detail: { status?: number; error?: string; attempt: number }): void {
    const level = failure === 'unavailable' ? 'warn' : 'debug';
    this.#deps.log(level, `session_refresh_${failure}`, 'WorkOS session refresh failed', { failure, ...detail });
  }
}
