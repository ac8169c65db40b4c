import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { cookieRequest, makeProvider, ManualClock, pair, signIn, useSessionWorld, valueOf } from './helpers';

let emu: WorkOSEmulator;
const clock = new ManualClock();
let alice: { id: string };
let acme: { id: string };
useSessionWorld(clock, (world) => ({ emu, alice, acme } = world));

const expire = () => clock.advance(301_000 + 5_000);
const sidOf = (accessToken: string) => JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sid as string;

describe('cookie authentication', () => {
  it('a live cookie authenticates with no WorkOS call; an expired one gives null without calling WorkOS', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed } = await signIn(auth, alice.id, { organizationId: acme.id });
    emu.resetCalls();
    const request = cookieRequest(`other=1; wos_session=${sealed}`) as never;
    expect(await auth.authenticateToken('', request)).toMatchObject({ id: alice.id, organizationId: acme.id, role: 'admin', sessionId: expect.stringMatching(/^session_/) });
    expect(await auth.authenticateToken(sealed, cookieRequest('') as never)).toMatchObject({ id: alice.id });
    expect(await auth.validateSession(sealed)).toMatchObject({ id: sealed, userId: alice.id, metadata: { organizationId: acme.id } });
    expect(emu.callCount()).toBe(0);
    expire();
    expect(await auth.authenticateToken('', request)).toBeNull();
    expect(await auth.validateSession(sealed)).toBeNull();
    expect(await auth.getCurrentUser(cookieRequest(`wos_session=${sealed}`))).toBeNull();
    expect(emu.callCount()).toBe(0);
  });

  it('an expired cookie next to a valid bearer token lets the bearer token through', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed } = await signIn(auth, alice.id);
    expire();
    const token = await emu.mintAccessToken({ sub: alice.id });
    expect(await auth.authenticateToken(token, cookieRequest(`wos_session=${sealed}`) as never)).toMatchObject({ id: alice.id });
  });
});

describe('refreshSession', () => {
  it('rotates: new cookie, new refresh token stored, organization kept, old refresh token spent', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed, result } = await signIn(auth, alice.id, { organizationId: acme.id });
    expire();
    const session = await auth.refreshSession(sealed);
    expect(session).not.toBeNull();
    expect(session?.id).not.toBe(sealed);
    expect(session?.metadata).toMatchObject({ organizationId: acme.id, workosSessionId: sidOf(result.tokens.accessToken) });
    const headers = auth.getSessionHeaders(session!);
    expect(headers['Set-Cookie']).toMatch(/^wos_session=Fe26\.2\*[^;]+; Path=\/; Max-Age=34560000; HttpOnly; SameSite=Lax$/);
    expect(valueOf(headers['Set-Cookie'] ?? '')).toBe(session?.id);
    expect(await auth.authenticateToken(session!.id, cookieRequest('') as never)).toMatchObject({ id: alice.id, organizationId: acme.id });
    // The SDK reads the new cookie: it holds the *new* refresh token.
    const opened = await emu.createWorkOSClient().userManagement.getSessionFromCookie({ sessionData: session!.id, cookiePassword: 'a-test-cookie-password-of-at-least-32-chars' });
    expect(opened?.refreshToken).not.toBe(result.tokens.refreshToken);
    const old = await fetch(`${emu.baseUrl}/user_management/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', client_id: emu.clientId, client_secret: emu.apiKey, refresh_token: result.tokens.refreshToken }),
    });
    expect(old.status).toBe(400);
    expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(1);
    // Twice more in a row: each new cookie refreshes once.
    expire();
    const again = await auth.refreshSession(session!.id);
    expect(again?.metadata).toMatchObject({ organizationId: acme.id });
    expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(2);
  });

  it('10 parallel refreshes of one cookie → one grant; late callers within 60 s get the same cookie', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed, result } = await signIn(auth, alice.id);
    expire();
    emu.resetCalls();
    const sessions = await Promise.all(Array.from({ length: 10 }, () => auth.refreshSession(sealed)));
    expect(new Set(sessions.map((s) => s?.id)).size).toBe(1);
    expect(sessions[0]).not.toBeNull();
    expect(emu.callCount('authenticate')).toBe(1);
    clock.advance(59_000);
    expect((await auth.refreshSession(sealed))?.id).toBe(sessions[0]?.id);
    // getCurrentUser with the stale cookie sees the refreshed user (capabilities/me after a refresh).
    expect(await auth.getCurrentUser(cookieRequest(`wos_session=${sealed}`))).toMatchObject({ id: alice.id });
    expect(emu.callCount('authenticate')).toBe(1);
    expect(auth.getStats().sessionRefreshGrants).toBe(1);
    clock.advance(2_000);
    // Past the grace window the old refresh token is dead at WorkOS.
    expect(await auth.refreshSession(sealed)).toBeNull();
    expect(emu.session(sidOf(result.tokens.accessToken))?.refreshCount).toBe(1);
  });

  it('retries a 5xx once, does not retry invalid_grant, and caches a dead token', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed } = await signIn(auth, alice.id);
    expire();
    emu.resetCalls();
    emu.injectFault('authenticate', { status: 503, times: 1 });
    expect(await auth.refreshSession(sealed)).not.toBeNull();
    expect(emu.callCount('authenticate')).toBe(2);

    const second = await signIn(auth, alice.id);
    emu.revokeSession(sidOf(second.result.tokens.accessToken));
    expire();
    emu.resetCalls();
    expect(await auth.refreshSession(second.sealed)).toBeNull();
    expect(await auth.refreshSession(second.sealed)).toBeNull();
    expect(emu.callCount('authenticate')).toBe(1);

    const third = await signIn(auth, alice.id);
    expire();
    emu.resetCalls();
    emu.injectFault('authenticate', { status: 500, times: 5 });
    expect(await auth.refreshSession(third.sealed)).toBeNull();
    expect(emu.callCount('authenticate')).toBe(2); // bounded
    emu.clearFaults();
    expect(await auth.refreshSession(third.sealed)).not.toBeNull(); // a failure is not remembered
  });
});

describe('destroySession and headers', () => {
  it('revokes at WorkOS and refuses the old cookie at once, even while its access token lives', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed, result } = await signIn(auth, alice.id);
    emu.resetCalls();
    await auth.destroySession(sealed);
    expect(emu.callCount('sessions.revoke')).toBe(1);
    expect(emu.session(sidOf(result.tokens.accessToken))?.ended).toBe('revoked');
    expect(await auth.authenticateToken('', cookieRequest(`wos_session=${sealed}`) as never)).toBeNull();
    expect(await auth.refreshSession(sealed)).toBeNull();
  });

  it('a revoke failure is logged, not thrown, and the session is still refused locally', async () => {
    const { auth, logger } = makeProvider(emu, clock);
    const { sealed } = await signIn(auth, alice.id);
    emu.injectFault('sessions.revoke', { status: 500, times: 1 });
    await expect(auth.destroySession(sealed)).resolves.toBeUndefined();
    expect(logger.reasons()).toContain('session_revoke_failed');
    expect(await auth.validateSession(sealed)).toBeNull();
    expect(logger.text).not.toContain(sealed.slice(10, 40));
  });

  it('every cookie we set or clear honours the session options', async () => {
    const { auth } = makeProvider(emu, clock, { session: { cookieName: 'app_sess', path: '/app', sameSite: 'None', maxAge: 3600 } });
    const { sessionCookie, result } = await signIn(auth, alice.id);
    expect(sessionCookie).toBe('');
    const line = result.cookies?.find((c) => c.startsWith('app_sess=')) ?? '';
    expect(line).toMatch(/^app_sess=Fe26[^;]+; Path=\/app; Max-Age=3600; HttpOnly; SameSite=None; Secure$/);
    expect(result.cookies).toContain('wos_auth_state=; Path=/app; Max-Age=0; HttpOnly; SameSite=None; Secure');
    expect(auth.getClearSessionHeaders()).toEqual({ 'Set-Cookie': 'app_sess=; Path=/app; Max-Age=0; HttpOnly; SameSite=None; Secure' });
    expect(auth.getSessionIdFromRequest(cookieRequest(pair(line)))).toBe(valueOf(line));
    expect(auth.getSessionHeaders({ id: 'not-a-seal', userId: 'u', createdAt: new Date(), expiresAt: new Date() })).toEqual({});
    const secureOff = makeProvider(emu, clock, { session: { secure: false } }).auth.getClearSessionHeaders();
    expect(secureOff['Set-Cookie']).toBe('wos_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });

  it('createSession seals tokens it is given; without tokens it returns the placeholder', async () => {
    const { auth } = makeProvider(emu, clock);
    const code = emu.issueAuthorizationCode({ userId: alice.id });
    const response = await emu.createWorkOSClient().userManagement.authenticateWithCode({ clientId: emu.clientId, code });
    const session = await auth.createSession(alice.id, { accessToken: response.accessToken, refreshToken: response.refreshToken });
    expect(session.id).toMatch(/^Fe26\.2\*/);
    expect(auth.getSessionHeaders(session)['Set-Cookie']).toMatch(/^wos_session=Fe26/);
    expect(await auth.authenticateToken(session.id, cookieRequest('') as never)).toMatchObject({ id: alice.id });
    const placeholder = await auth.createSession(alice.id);
    expect(placeholder.expiresAt.getTime() - placeholder.createdAt.getTime()).toBe(34_560_000_000);
    expect(auth.getSessionHeaders(placeholder)).toEqual({});
  });
});
