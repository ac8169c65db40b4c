/**
 * Browser sign-in through a real Mastra server (`@mastra/hono` on 127.0.0.1) with plain `fetch`
 * playing the browser: capabilities → SSO login → the emulator's hosted page → callback → cookie
 * requests → expiry and transparent refresh → logout. Records which provider members Mastra calls.
 */
import { Mastra } from '@mastra/core/mastra';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';
import { createMockAgent } from '../helpers/mock-agent';
import { CaptureLogger } from '../support/capture-logger';
import { approveAtIdp, pair, PASSWORD } from '../session/helpers';

const TRACED = [
  'authenticateToken', 'getCurrentUser', 'getSessionIdFromRequest', 'refreshSession', 'getSessionHeaders', 'getLoginUrl',
  'getLoginCookies', 'setCallbackCookieHeader', 'handleCallback', 'createSession', 'destroySession', 'getLogoutUrl',
  'getClearSessionHeaders', 'getLoginButtonConfig',
] as const;

/** The provider, recording the order in which Mastra calls its members. */
class TracedAuth extends MastraAuthWorkos {
  trace: string[] = [];
}
for (const name of TRACED) {
  const original = MastraAuthWorkos.prototype[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(TracedAuth.prototype, name, {
    value: function (this: TracedAuth, ...args: unknown[]) {
      this.trace.push(name === 'authenticateToken' ? `authenticateToken(${args[0] ? (String(args[0]).startsWith('Fe26') ? 'seal' : 'bearer') : '""'})` : name);
      return original.apply(this, args);
    },
  });
}

let emu: WorkOSEmulator;
let server: RunningMastraServer;
let auth: TracedAuth;
let alice: { id: string };
const clock = new ManualClock();
const logger = new CaptureLogger();

beforeAll(async () => {
  process.env.MASTRA_TELEMETRY_DISABLED = 'true';
  emu = await startWorkOSEmulator({ clock });
  alice = emu.createUser({ email: 'alice@acme.test', firstName: 'Alice', lastName: 'Liddell' });
  auth = new TracedAuth({ ...emu.connection, clock, logger, session: { cookiePassword: PASSWORD } });
  const mastra = new Mastra({
    agents: { weatherAgent: createMockAgent({ id: 'weatherAgent', reply: 'Sunny.' }) },
    logger: false,
    server: { auth },
  });
  server = await startMastraServer(mastra);
});
afterAll(async () => {
  await server?.stop();
  await emu?.stop();
});
beforeEach(() => {
  auth.trace = [];
  emu.resetCalls();
});

const get = (path: string, cookie?: string, init: RequestInit = {}) =>
  fetch(`${server.baseUrl}${path}`, { redirect: 'manual', ...init, headers: { ...(cookie && { cookie }), ...(init.headers as Record<string, string>) } });
const sessionCookieOf = (res: Response) => res.headers.getSetCookie().find((line) => line.startsWith('wos_session=')) ?? '';

async function browserSignIn(): Promise<{ cookie: string; trace: string[] }> {
  const login = await get('/api/auth/sso/login?redirect_uri=%2Fagents');
  expect(login.status).toBe(200);
  const stateCookie = login.headers.getSetCookie().find((line) => line.startsWith('wos_auth_state='));
  expect(stateCookie).toMatch(/HttpOnly; SameSite=Lax$/);
  const { url } = (await login.json()) as { url: string };
  expect(url.startsWith(`${emu.baseUrl}/user_management/authorize?`)).toBe(true);
  const back = await approveAtIdp(url, alice.id);
  expect(back.origin).toBe(server.baseUrl);
  const callback = await get(back.pathname + back.search, pair(stateCookie ?? ''));
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe(`${server.baseUrl}/agents`);
  const setCookies = callback.headers.getSetCookie();
  expect(setCookies).toContain('wos_auth_state=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  const line = setCookies.find((c) => c.startsWith('wos_session=')) ?? '';
  expect(line).toMatch(/^wos_session=Fe26\.2\*[^;]+; Path=\/; Max-Age=34560000; HttpOnly; SameSite=Lax$/);
  const trace = [...auth.trace];
  auth.trace = [];
  return { cookie: pair(line), trace };
}

describe('browser sign-in through Mastra', () => {
  it('logged out: capabilities offer the SSO button; API calls are 401', async () => {
    const caps = await (await get('/api/auth/capabilities')).json();
    expect(caps).toMatchObject({ enabled: true, login: { type: 'sso', sso: { provider: 'workos', text: 'Sign in', url: '/api/auth/sso/login' } } });
    expect(caps).not.toHaveProperty('user');
    expect((await get('/api/agents')).status).toBe(401);
  });

  it('signs in, then every request is authenticated by the cookie (no WorkOS calls)', async () => {
    const { cookie, trace } = await browserSignIn();
    expect(trace).toEqual(['getLoginUrl', 'getLoginCookies', 'setCallbackCookieHeader', 'handleCallback']);
    emu.resetCalls();
    expect((await get('/api/agents', cookie)).status).toBe(200);
    const me = await (await get('/api/auth/me', cookie)).json();
    expect(me).toMatchObject({ id: alice.id, email: 'alice@acme.test', name: 'Alice Liddell' });
    const caps = await (await get('/api/auth/capabilities', cookie)).json();
    expect(caps).toMatchObject({ user: { id: alice.id, email: 'alice@acme.test' } });
    expect(emu.callCount()).toBe(0);
  });

  it('after expiry: one refresh for 10 parallel stale requests, all 200 with the same new cookie', async () => {
    const { cookie } = await browserSignIn();
    clock.advance(310_000);
    emu.resetCalls();
    auth.trace = [];
    const first = await get('/api/agents', cookie);
    expect(first.status).toBe(200);
    expect(auth.trace).toEqual(['authenticateToken("")', 'getSessionIdFromRequest', 'refreshSession', 'getSessionHeaders', 'authenticateToken(seal)']);
    const fresh = sessionCookieOf(first);
    expect(fresh).toMatch(/^wos_session=Fe26[^;]+; Path=\/; Max-Age=34560000; HttpOnly; SameSite=Lax$/);
    expect(pair(fresh)).not.toBe(cookie);
    const parallel = await Promise.all(Array.from({ length: 10 }, () => get('/api/agents', cookie)));
    expect(parallel.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(parallel.map((r) => pair(sessionCookieOf(r))))).toEqual(new Set([pair(fresh)]));
    expect(emu.callCount('authenticate')).toBe(1);
    // The new cookie works on its own; the stale one on capabilities gets it back as well.
    expect((await get('/api/agents', pair(fresh))).status).toBe(200);
    auth.trace = [];
    const caps = await get('/api/auth/capabilities', cookie);
    expect(await caps.json()).toMatchObject({ user: { id: alice.id } });
    expect(auth.trace.filter((t) => t !== 'getLoginButtonConfig')).toEqual(['getCurrentUser']);
    expect(emu.callCount('authenticate')).toBe(1);
  });

  it('logout revokes the session, clears the cookie and sends the browser to WorkOS logout', async () => {
    const { cookie } = await browserSignIn();
    const res = await get('/api/auth/logout', cookie, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; redirectTo?: string };
    expect(body.success).toBe(true);
    expect(auth.trace).toEqual(['getSessionIdFromRequest', 'destroySession', 'getLogoutUrl', 'getClearSessionHeaders']);
    expect(res.headers.getSetCookie()).toContain('wos_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
    const logout = new URL(body.redirectTo ?? '');
    expect(logout.origin + logout.pathname).toBe(`${emu.baseUrl}/user_management/sessions/logout`);
    expect(logout.searchParams.get('return_to')).toBe(server.baseUrl);
    expect(emu.callCount('sessions.revoke')).toBe(1);
    const sid = logout.searchParams.get('session_id') ?? '';
    expect(emu.session(sid)?.ended).toBe('revoked');
    // The old cookie is dead at once, and after expiry its refresh token is too.
    expect((await get('/api/agents', cookie)).status).toBe(401);
    clock.advance(310_000);
    expect((await get('/api/agents', cookie)).status).toBe(401);
    expect(sid).toMatch(/^session_/);
  });
});

describe('refused', () => {
  it('a tampered cookie is a 401, never a 500, and is not logged as an error', async () => {
    const { cookie } = await browserSignIn();
    const tampered = cookie.slice(0, 40) + (cookie[40] === 'A' ? 'B' : 'A') + cookie.slice(41);
    // Node itself answers 431 to headers over 16 KiB: still not a 500.
    expect((await get('/api/agents', `wos_session=Fe26.2*${'x'.repeat(20_000)}`)).status).toBe(431);
    for (const value of [tampered, 'wos_session=Fe26.2*junk', `wos_session=Fe26.2*${'x'.repeat(12_000)}`]) {
      expect((await get('/api/agents', value)).status).toBe(401);
      expect((await get('/api/auth/me', value)).status).toBe(200);
      const caps = await (await get('/api/auth/capabilities', value)).json();
      expect(caps).not.toHaveProperty('user');
    }
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('a callback with another browser\'s state (or none) is refused with ?error and no session', async () => {
    const login = await get('/api/auth/sso/login?redirect_uri=%2Fagents');
    const { url } = (await login.json()) as { url: string };
    const back = await approveAtIdp(url, alice.id);
    const attackerState = (await get('/api/auth/sso/login')).headers.getSetCookie().find((l) => l.startsWith('wos_auth_state=')) ?? '';
    for (const cookie of [undefined, pair(attackerState)]) {
      const res = await get(back.pathname + back.search, cookie);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`${server.baseUrl}/agents?error=OAuth%20state%20mismatch`);
      expect(sessionCookieOf(res)).toBe('');
    }
  });

  it('cancel at the IdP comes back with error=access_denied, which Mastra answers with 400', async () => {
    const login = await get('/api/auth/sso/login');
    const { url } = (await login.json()) as { url: string };
    const form = new URLSearchParams(new URL(url).searchParams);
    form.set('action', 'cancel');
    const cancel = await fetch(`${emu.baseUrl}/user_management/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const back = new URL(cancel.headers.get('location') ?? '');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const res = await get(back.pathname + back.search);
    expect(res.status).toBe(400);
    expect(auth.trace).not.toContain('handleCallback');
  });
});
