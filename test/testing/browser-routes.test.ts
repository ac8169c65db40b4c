import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;
let alice: { id: string };
let acme: { id: string };
const CB = 'http://127.0.0.1:4111/api/auth/sso/callback';

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  acme = emu.createOrganization({ name: 'Acme <Corp>' });
  alice = emu.createUser({ email: 'alice@acme.test', firstName: 'Alice', lastName: '<b>L</b>' });
  emu.createMembership({ userId: alice.id, organizationId: acme.id });
});
afterAll(() => emu?.stop());

const submit = (form: Record<string, string>) =>
  fetch(`${emu.baseUrl}/user_management/authorize`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
const carried = { client_id: 'client_emulator', redirect_uri: CB, response_type: 'code', state: 'st|%2F', provider: 'authkit' };

describe('hosted login page', () => {
  it('lists seeded users and their organizations with stable test ids, escaped, plus Cancel', async () => {
    const res = await fetch(emu.authorizeUrl({ redirectUri: CB, state: 'st' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(`data-testid="login-user-${alice.id}"`);
    expect(html).toContain(`data-testid="login-user-${alice.id}-org-${acme.id}"`);
    expect(html).toContain('data-testid="login-cancel"');
    expect(html).not.toContain('<b>L</b>');
    expect(html).toContain('Acme &#60;Corp&#62;');
  });

  it('refuses unknown clients and redirect URIs outside the allow-list with a 400 page', async () => {
    const bad = new URL(emu.authorizeUrl({ redirectUri: CB }));
    bad.searchParams.set('client_id', 'client_other');
    expect((await fetch(bad)).status).toBe(400);
    const evil = await fetch(emu.authorizeUrl({ redirectUri: 'http://evil.example/cb' }));
    expect(evil.status).toBe(400);
    expect(await evil.text()).toContain('data-testid="login-error"');
    expect((await submit({ ...carried, redirect_uri: 'https://evil.example/cb', user_id: alice.id })).status).toBe(400);
  });

  it('approving redirects with a single-use code and the state verbatim; Cancel with access_denied', async () => {
    const ok = await submit({ ...carried, user_id: alice.id, selected_organization_id: acme.id });
    expect(ok.status).toBe(302);
    const back = new URL(ok.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(CB);
    expect(back.searchParams.get('state')).toBe('st|%2F');
    const response = await emu.createWorkOSClient().userManagement.authenticateWithCode({ clientId: emu.clientId, code: back.searchParams.get('code') ?? '' });
    expect(response.organizationId).toBe(acme.id);
    const cancel = await submit({ ...carried, action: 'cancel' });
    const denied = new URL(cancel.headers.get('location') ?? '');
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'access_denied', state: 'st|%2F' });
  });

  it('autoApprove signs in login_hint without the page', async () => {
    const emu2 = await startWorkOSEmulator({ autoApprove: true, redirectUris: [CB] });
    try {
      const bob = emu2.createUser({ email: 'bob@x.test' });
      const res = await fetch(emu2.authorizeUrl({ redirectUri: CB, loginHint: 'bob@x.test' }), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
      expect((await emu2.createWorkOSClient().userManagement.authenticateWithCode({ clientId: emu2.clientId, code })).user.id).toBe(bob.id);
      expect((await fetch(emu2.authorizeUrl({ redirectUri: 'http://127.0.0.1:1/other' }))).status).toBe(400);
    } finally {
      await emu2.stop();
    }
  });
});

describe('sessions: logout, revoke, refresh counter, clock', () => {
  async function session() {
    const code = emu.issueAuthorizationCode({ userId: alice.id });
    const workos = emu.createWorkOSClient();
    const response = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code });
    const sid = JSON.parse(Buffer.from(response.accessToken.split('.')[1] ?? '', 'base64url').toString()).sid as string;
    return { workos, response, sid };
  }

  it('counts refresh grants; logout ends the session and redirects to return_to', async () => {
    const { workos, response, sid } = await session();
    const next = await workos.userManagement.authenticateWithRefreshToken({ clientId: emu.clientId, refreshToken: response.refreshToken });
    expect(emu.session(sid)).toMatchObject({ userId: alice.id, refreshCount: 1, ended: undefined });
    const logoutUrl = workos.userManagement.getLogoutUrl({ sessionId: sid, returnTo: 'http://127.0.0.1:4111' });
    const res = await fetch(logoutUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:4111');
    expect(emu.session(sid)?.ended).toBe('logged_out');
    await expect(workos.userManagement.authenticateWithRefreshToken({ clientId: emu.clientId, refreshToken: next.refreshToken })).rejects.toMatchObject({ status: 400 });
    expect((await fetch(`${emu.baseUrl}/user_management/sessions/logout?return_to=${encodeURIComponent('http://evil.example/')}`)).status).toBe(400);
  });

  it('revoke ends the session (SDK revokeSession); unknown → 404', async () => {
    const { workos, response, sid } = await session();
    await workos.userManagement.revokeSession({ sessionId: sid });
    expect(emu.session(sid)?.ended).toBe('revoked');
    await expect(workos.userManagement.authenticateWithRefreshToken({ clientId: emu.clientId, refreshToken: response.refreshToken })).rejects.toMatchObject({ status: 400 });
    await expect(workos.userManagement.revokeSession({ sessionId: 'session_unknown' })).rejects.toMatchObject({ status: 404 });
  });

  it('mints on its clock with the configured TTL', async () => {
    const t = Date.UTC(2030, 0, 1);
    emu.setClock({ now: () => t });
    emu.setTokenTtl(5);
    try {
      const token = await emu.mintAccessToken({ sub: alice.id });
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
      expect(claims.iat).toBe(t / 1000);
      expect(claims.exp).toBe(t / 1000 + 5);
    } finally {
      emu.setClock({ now: () => Date.now() });
      emu.setTokenTtl(300);
    }
  });
});
