import { describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import type { WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';
import { approveAtIdp, CALLBACK, cookieRequest, makeProvider, ManualClock, pair, PASSWORD, signIn, useSessionWorld } from './helpers';

let emu: WorkOSEmulator;
const clock = new ManualClock();
let alice: { id: string };
let acme: { id: string };
useSessionWorld(clock, (world) => ({ emu, alice, acme } = world));

describe('getLoginUrl', () => {
  it('points at the configured WorkOS host with AuthKit, the callback, the state and a PKCE challenge', () => {
    const { auth } = makeProvider(emu, clock);
    const url = new URL(auth.getLoginUrl(CALLBACK, 'abc|%2Fagents'));
    expect(url.origin + url.pathname).toBe(`${emu.baseUrl}/user_management/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: emu.clientId,
      provider: 'authkit',
      redirect_uri: CALLBACK,
      response_type: 'code',
      state: 'abc|%2Fagents',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(emu.callCount()).toBe(0); // no network
  });

  it('prefers connection, then provider, then organization', () => {
    const q = (sso: object) => new URL(makeProvider(emu, clock, { sso }).auth.getLoginUrl(CALLBACK, 's')).searchParams;
    expect(q({ connection: 'conn_1', provider: 'GoogleOAuth', defaultOrganization: 'org_1' }).get('connection_id')).toBe('conn_1');
    expect(q({ provider: 'GoogleOAuth', defaultOrganization: 'org_1' }).get('provider')).toBe('GoogleOAuth');
    const org = q({ defaultOrganization: 'org_1' });
    expect(org.get('organization_id')).toBe('org_1');
    expect(org.get('provider')).toBeNull();
  });

  it('falls back to the redirectUri option and throws when there is none', () => {
    const { auth } = makeProvider(emu, clock, { redirectUri: 'http://127.0.0.1:9/cb' });
    expect(new URL(auth.getLoginUrl('', 's')).searchParams.get('redirect_uri')).toBe('http://127.0.0.1:9/cb');
    expect(() => makeProvider(emu, clock).auth.getLoginUrl('', 's')).toThrow(/redirect URI is required.*WORKOS_REDIRECT_URI/);
  });

  it('init() derives the redirect URI from the public URL', async () => {
    const { auth } = makeProvider(emu, clock);
    expect(auth.getRedirectUri()).toBe('');
    await auth.init({ publicUrl: 'http://127.0.0.1:4111/' });
    expect(auth.getRedirectUri()).toBe('http://127.0.0.1:4111/auth/callback');
    await expect(makeProvider(emu, clock).auth.init({})).rejects.toThrow(/publicUrl/);
  });
});

describe('getLoginCookies', () => {
  it('sets a signed, 10-minute, HttpOnly, SameSite=Lax state cookie honouring the session path', () => {
    const { auth } = makeProvider(emu, clock, { session: { path: '/app' } });
    const [cookie] = auth.getLoginCookies(CALLBACK, 'abc|%2F');
    expect(cookie).toMatch(/^wos_auth_state=[\w-]+\.[\w-]+; Path=\/app; Max-Age=600; HttpOnly; SameSite=Lax$/);
  });
});

describe('handleCallback', () => {
  it('signs in through the emulator page: user, tokens, sealed HttpOnly cookie, state cookie cleared', async () => {
    const { auth } = makeProvider(emu, clock);
    const { result, sessionCookie } = await signIn(auth, alice.id, { organizationId: acme.id });
    expect(result.user).toMatchObject({ id: alice.id, workosId: alice.id, email: 'alice@acme.test', name: 'Alice Liddell', organizationId: acme.id });
    expect(result.tokens.accessToken.split('.')).toHaveLength(3);
    expect(result.tokens.refreshToken).toBeTruthy();
    expect(result.tokens.expiresAt?.getTime()).toBe(Math.floor(clock.now() / 1000) * 1000 + 300_000);
    expect(sessionCookie).toMatch(/^wos_session=Fe26\.2\*1\*[^;]+~2; Path=\/; Max-Age=34560000; HttpOnly; SameSite=Lax$/);
    expect(result.cookies).toContain('wos_auth_state=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
    // PKCE: the code exchange carried the verifier (the emulator refuses a code without it).
    expect(emu.callCount('authenticate')).toBe(1);
  });

  it('refuses a callback without the state cookie (login CSRF) before spending the code', async () => {
    const { auth } = makeProvider(emu, clock);
    const state = 'victim-state|%2F';
    const back = await approveAtIdp(auth.getLoginUrl(CALLBACK, state), alice.id);
    emu.resetCalls();
    // Mastra always calls setCallbackCookieHeader first; here the browser has no state cookie.
    auth.setCallbackCookieHeader('other=1');
    await expect(auth.handleCallback(back.searchParams.get('code') ?? '', 'victim-state')).rejects.toThrow('OAuth state mismatch');
    auth.setCallbackCookieHeader(undefined);
    await expect(auth.handleCallback(back.searchParams.get('code') ?? '', 'victim-state')).rejects.toThrow('OAuth state mismatch');
    expect(emu.callCount('authenticate')).toBe(0);
  });

  it('refuses a state cookie of another login, a forged one and an expired one', async () => {
    const { auth } = makeProvider(emu, clock);
    const mine = auth.getLoginCookies(CALLBACK, 'mine|%2F').map(pair).join('; ');
    auth.setCallbackCookieHeader(mine);
    await expect(auth.handleCallback('code', 'theirs')).rejects.toThrow('OAuth state mismatch');
    const forged = `wos_auth_state=${Buffer.from(JSON.stringify({ s: 'theirs', r: CALLBACK, t: clock.now() })).toString('base64url')}.AAAA`;
    auth.setCallbackCookieHeader(forged);
    await expect(auth.handleCallback('code', 'theirs')).rejects.toThrow('OAuth state mismatch');
    const other = makeProvider(emu, clock, { session: { cookiePassword: 'another-password-that-is-32-chars-long!' } }).auth;
    auth.setCallbackCookieHeader(other.getLoginCookies(CALLBACK, 'x|%2F').map(pair).join('; '));
    await expect(auth.handleCallback('code', 'x')).rejects.toThrow('OAuth state mismatch');
    auth.setCallbackCookieHeader(mine);
    clock.advance(601_000);
    await expect(auth.handleCallback('code', 'mine')).rejects.toThrow('OAuth state mismatch');
    expect(emu.callCount('authenticate')).toBe(0);
  });

  it('a used or unknown code fails with a message that carries neither code nor token', async () => {
    const { auth } = makeProvider(emu, clock);
    const cookies = auth.getLoginCookies(CALLBACK, 's1|%2F').map(pair).join('; ');
    auth.setCallbackCookieHeader(cookies);
    const error = await auth.handleCallback('secret-code-123', 's1').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('WorkOS sign-in failed (invalid_grant)');
  });

  it('two callbacks started back to back each use their own cookie header', async () => {
    const { auth } = makeProvider(emu, clock);
    const a = auth.getLoginCookies(CALLBACK, 'a|%2F').map(pair).join('; ');
    const b = auth.getLoginCookies(CALLBACK, 'b|%2F').map(pair).join('; ');
    auth.setCallbackCookieHeader(a);
    const first = auth.handleCallback('x', 'a');
    auth.setCallbackCookieHeader(b);
    const second = auth.handleCallback('y', 'b');
    // Both pass the state check (their own header) and fail only at the (bogus) code.
    await expect(first).rejects.toThrow('WorkOS sign-in failed');
    await expect(second).rejects.toThrow('WorkOS sign-in failed');
  });
});

describe('user provider and button', () => {
  it('getLoginButtonConfig follows the provider', () => {
    expect(makeProvider(emu, clock).auth.getLoginButtonConfig()).toEqual({ provider: 'workos', text: 'Sign in' });
    expect(makeProvider(emu, clock, { sso: { provider: 'GitHubOAuth' } }).auth.getLoginButtonConfig().text).toBe('Sign in with GitHub');
    expect(makeProvider(emu, clock, { sso: { buttonText: 'Go', description: 'd' } }).auth.getLoginButtonConfig()).toEqual({ provider: 'workos', text: 'Go', description: 'd' });
  });

  it('getCurrentUser reads the cookie; getUser reads WorkOS; getUserProfileUrl is relative', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sessionCookie } = await signIn(auth, alice.id);
    emu.resetCalls();
    const user = await auth.getCurrentUser(cookieRequest(pair(sessionCookie)));
    expect(user).toMatchObject({ id: alice.id, email: 'alice@acme.test', avatarUrl: 'https://example.test/a.png' });
    expect(emu.callCount('getUser')).toBe(0);
    expect(await auth.getCurrentUser(new Request('http://127.0.0.1/'))).toBeNull();
    expect(await auth.getUser(alice.id)).toMatchObject({ id: alice.id, workosId: alice.id });
    expect(await auth.getUser('user_missing')).toBeNull();
    expect((await auth.getUsers([alice.id, 'user_missing'])).map((u) => u?.id ?? null)).toEqual([alice.id, null]);
    expect(auth.getUserProfileUrl({ id: alice.id, workosId: alice.id })).toBe(`/profile/${alice.id}`);
  });

  it('getLogoutUrl reads sid from the cookie without network, also after destroySession', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sessionCookie, sealed } = await signIn(auth, alice.id);
    const request = cookieRequest(pair(sessionCookie));
    await auth.destroySession(sealed);
    emu.resetCalls();
    const url = new URL((await auth.getLogoutUrl('http://127.0.0.1:4111', request)) ?? '');
    expect(url.origin + url.pathname).toBe(`${emu.baseUrl}/user_management/sessions/logout`);
    expect(url.searchParams.get('session_id')).toMatch(/^session_/);
    expect(url.searchParams.get('return_to')).toBe('http://127.0.0.1:4111');
    expect(emu.callCount()).toBe(0);
    expect(await auth.getLogoutUrl('http://127.0.0.1:4111')).toBeNull();
    expect(await auth.getLogoutUrl('http://127.0.0.1:4111', cookieRequest('wos_session=Fe26.2*garbage'))).toBeNull();
  });
});

describe('cookie password', () => {
  const base = () => ({ ...emu.connection, logger: new CaptureLogger() });

  it('production with browser sign-in and no password is a construction error naming option and env var', () => {
    const saved = { ...process.env };
    try {
      process.env.NODE_ENV = 'production';
      delete process.env.WORKOS_COOKIE_PASSWORD;
      expect(() => new MastraAuthWorkos({ ...base(), sso: {} })).toThrow(/session\.cookiePassword.*|WORKOS_COOKIE_PASSWORD/);
      expect(() => new MastraAuthWorkos({ ...base(), redirectUri: CALLBACK })).toThrow(/WORKOS_COOKIE_PASSWORD/);
      // Bearer-only production apps need none.
      const bearerOnly = new MastraAuthWorkos(base());
      expect(bearerOnly.getSessionIdFromRequest(cookieRequest('wos_session=Fe26.2*x'))).toBeNull();
      expect(() => bearerOnly.getLoginUrl(CALLBACK, 's')).toThrow(/WORKOS_COOKIE_PASSWORD/);
      process.env.WORKOS_COOKIE_PASSWORD = PASSWORD;
      expect(() => new MastraAuthWorkos({ ...base(), sso: {} })).not.toThrow();
    } finally {
      process.env = saved;
    }
  });

  it('a short password is refused; development without one generates a password and warns', () => {
    expect(() => new MastraAuthWorkos({ ...base(), session: { cookiePassword: 'short' } })).toThrow(/at least 32 characters.*WORKOS_COOKIE_PASSWORD|WORKOS_COOKIE_PASSWORD.*cookiePassword/);
    const saved = process.env.WORKOS_COOKIE_PASSWORD;
    delete process.env.WORKOS_COOKIE_PASSWORD;
    try {
      const logger = new CaptureLogger();
      const auth = new MastraAuthWorkos({ ...emu.connection, logger });
      expect(logger.lines).toHaveLength(0); // bearer-only use never hears about it
      expect(auth.getLoginUrl(CALLBACK, 's')).toContain('/user_management/authorize');
      auth.getLoginCookies(CALLBACK, 's');
      expect(logger.reasons().filter((r) => r === 'cookie_password_generated')).toHaveLength(1);
      expect(logger.text).not.toMatch(/password":/);
    } finally {
      if (saved !== undefined) process.env.WORKOS_COOKIE_PASSWORD = saved;
    }
  });
});

describe('session option validation', () => {
  it('names the option at fault', () => {
    const make = (session: object) => () => new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger(), session: { cookiePassword: PASSWORD, ...session } });
    expect(make({ sameSite: 'Sometimes' })).toThrow(/session\.sameSite/);
    expect(make({ path: 'app' })).toThrow(/session\.path/);
    expect(make({ cookieName: 'bad name;' })).toThrow(/session\.cookieName/);
    expect(make({ maxAge: -1 })).toThrow(/session\.maxAge/);
    expect(make({ sameSite: 'none', secure: false })().getClearSessionHeaders()['Set-Cookie']).toContain('SameSite=None; Secure');
  });
});
