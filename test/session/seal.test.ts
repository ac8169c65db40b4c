import { seal as ironSeal, defaults } from 'iron-webcrypto';
import { describe, expect, it } from 'vitest';
import { WebSessionStorage } from '../../src';
import { sealData, unsealData } from '../../src/session/seal';
import type { WorkOSEmulator } from '../../src/testing';
import { cookieRequest, makeProvider, ManualClock, PASSWORD, signIn, useSessionWorld } from './helpers';

let emu: WorkOSEmulator;
const clock = new ManualClock();
let alice: { id: string };
let acme: { id: string };
useSessionWorld(clock, (world) => ({ emu, alice, acme } = world));

describe('seal format (compatible with @workos-inc/node)', () => {
  it('our cookie opens with the SDK and the same password', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed, result } = await signIn(auth, alice.id, { organizationId: acme.id });
    expect(sealed).toMatch(/^Fe26\.2\*1\*[^*]+\*[^*]+\*[^*]+\*\*[^*]+\*[^*]+~2$/);
    const workos = emu.createWorkOSClient();
    const opened = await workos.userManagement.getSessionFromCookie({ sessionData: sealed, cookiePassword: PASSWORD });
    expect(opened).toMatchObject({
      accessToken: result.tokens.accessToken,
      refreshToken: result.tokens.refreshToken,
      organizationId: acme.id,
      user: { id: alice.id, email: 'alice@acme.test' },
    });
  });

  it('a cookie sealed by the SDK authenticates with our provider', async () => {
    const { auth } = makeProvider(emu, clock);
    const workos = emu.createWorkOSClient();
    const code = emu.issueAuthorizationCode({ userId: alice.id, organizationId: acme.id });
    const response = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code, session: { sealSession: true, cookiePassword: PASSWORD } });
    const sdkSealed = response.sealedSession ?? '';
    expect(sdkSealed).toMatch(/^Fe26\.2\*/);
    const user = await auth.authenticateToken('', cookieRequest(`wos_session=${sdkSealed}`) as never);
    expect(user).toMatchObject({ id: alice.id, organizationId: acme.id, role: 'admin' });
    // Percent-encoded (how earlier versions wrote it) and quoted values read the same.
    expect(await auth.authenticateToken('', cookieRequest(`wos_session="${encodeURIComponent(sdkSealed)}"`) as never)).toMatchObject({ id: alice.id });
  });

  it('reads legacy ~1 seals through their persistent member', async () => {
    const body = await ironSeal({ persistent: { a: 1 } }, { id: '1', secret: PASSWORD }, { ...defaults, ttl: 0 });
    expect(await unsealData(`${body}~1`, PASSWORD)).toEqual({ a: 1 });
    expect(await unsealData(await sealData({ b: 2 }, PASSWORD), PASSWORD)).toEqual({ b: 2 });
    // SDK 12 objects carry undefined members: dropped, as the SDK's own sealData does.
    expect(await unsealData(await sealData({ b: 2, c: undefined }, PASSWORD), PASSWORD)).toEqual({ b: 2 });
  });

  it('tampered, foreign, truncated or oversized cookies are "no session", never an exception', async () => {
    const { auth } = makeProvider(emu, clock);
    const { sealed } = await signIn(auth, alice.id);
    const other = await sealData({ accessToken: 'x', refreshToken: 'y', user: { id: alice.id } }, 'another-password-that-is-32-chars-long!');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const bad = [
      flip(sealed, 60),
      flip(sealed, sealed.length - 10),
      sealed.slice(0, -20),
      `${sealed}x`,
      sealed.replace('~2', '~x'),
      other,
      'Fe26.2*garbage',
      'Fe26.2*1*a*b*c*d*e*f~2',
      `Fe26.2*${'A'.repeat(20_000)}`,
      '%E0%A4%A',
      'not-a-seal',
      await sealData({ hello: 'world' }, PASSWORD),
      await sealData({ accessToken: 'not-a-jwt', refreshToken: 'r', user: { id: alice.id } }, PASSWORD),
    ];
    for (const value of bad) {
      expect(await auth.authenticateToken('', cookieRequest(`wos_session=${value}`) as never)).toBeNull();
      expect(await auth.authenticateToken(value, cookieRequest('') as never)).toBeNull();
      expect(await auth.getCurrentUser(cookieRequest(`wos_session=${value}`))).toBeNull();
      expect(await auth.validateSession(value)).toBeNull();
      expect(await auth.refreshSession(value)).toBeNull();
      await expect(auth.destroySession(value)).resolves.toBeUndefined();
    }
  });
});

describe('WebSessionStorage', () => {
  it('reads the first exact cookie and writes/clears with the configured attributes', async () => {
    const storage = new WebSessionStorage({ cookieName: 'wos_session', cookieSameSite: 'strict', redirectUri: 'https://app.test/cb', cookieMaxAge: 60 });
    const request = new Request('http://x/', { headers: { cookie: 'xwos_session=1; wos_session=%22abc%22; wos_session=second' } });
    expect(await storage.getSession(request)).toBe('"abc"');
    expect(await storage.getSession(new Request('http://x/'))).toBeNull();
    expect((await storage.saveSession(undefined, 'Fe26.2*v')).headers['Set-Cookie']).toBe('wos_session=Fe26.2*v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure');
    expect((await storage.clearSession(undefined)).headers['Set-Cookie']).toBe('wos_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
    const oversized = new Request('http://x/', { headers: { cookie: `a=${'x'.repeat(17_000)}; wos_session=v` } });
    expect(await storage.getSession(oversized)).toBeNull();
  });
});
