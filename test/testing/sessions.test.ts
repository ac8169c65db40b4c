/**
 * Sessions (src/testing/sessions.ts): authorization codes, refresh tokens and PKCE, redeemed
 * through the real SDK.
 */
import { OauthException, WorkOS } from '@workos-inc/node';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { seedMember, useEmulator, verify } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('authenticate (code and refresh token)', () => {
    it('redeems a code once; the access token carries the membership claims', async () => {
      const { org, user } = seedMember(emu, 'admin');
      emu.defineRole({ slug: 'admin', permissions: ['posts:read', 'posts:write'] });
      const code = emu.issueAuthorizationCode({ userId: user.id, organizationId: org.id, claims: { custom: 1 } });

      const auth = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code });
      expect(auth.user).toMatchObject({ id: user.id, email: user.email });
      expect(auth.user.lastSignInAt).not.toBeNull();
      expect(auth.organizationId).toBe(org.id);
      expect(auth.authenticationMethod).toBe('Password');
      expect(auth.refreshToken).toEqual(expect.any(String));

      const { payload, protectedHeader } = await verify(emu, auth.accessToken);
      expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: emu.currentKid });
      expect(payload).toMatchObject({
        iss: emu.issuer,
        sub: user.id,
        org_id: org.id,
        role: 'admin',
        roles: ['admin'],
        permissions: ['posts:read', 'posts:write'],
        custom: 1,
      });
      expect(payload.sid).toMatch(/^session_01/);
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(payload.aud).toBeUndefined();

      const second = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(OauthException);
      expect(second).toMatchObject({ status: 400, error: 'invalid_grant' });
    });

    it('rejects a wrong client id and an unknown code', async () => {
      const { user } = seedMember(emu);
      const code = emu.issueAuthorizationCode({ userId: user.id });
      await expect(workos.userManagement.authenticateWithCode({ clientId: 'client_other', code })).rejects.toMatchObject({
        name: 'OauthException',
        error: 'invalid_client',
      });
      await expect(
        workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code: 'nope' }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refreshes with single-use refresh tokens, keeping sid and organization', async () => {
      const { org, user } = seedMember(emu);
      const other = emu.createOrganization({ name: 'Other' });
      emu.createMembership({ userId: user.id, organizationId: other.id, role: 'viewer' });
      const code = emu.issueAuthorizationCode({ userId: user.id, organizationId: org.id });
      const first = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code });

      const refreshed = await workos.userManagement.authenticateWithRefreshToken({
        clientId: emu.clientId,
        refreshToken: first.refreshToken,
      });
      expect(refreshed.refreshToken).not.toBe(first.refreshToken);
      expect(refreshed.organizationId).toBe(org.id);
      const before = decodeJwt(first.accessToken);
      const after = (await verify(emu, refreshed.accessToken)).payload;
      expect(after.sid).toBe(before.sid);
      expect(after.jti).not.toBe(before.jti);
      expect(after.org_id).toBe(org.id);

      await expect(
        workos.userManagement.authenticateWithRefreshToken({ clientId: emu.clientId, refreshToken: first.refreshToken }),
      ).rejects.toMatchObject({ name: 'OauthException', error: 'invalid_grant' });

      const switched = await workos.userManagement.authenticateWithRefreshToken({
        clientId: emu.clientId,
        refreshToken: refreshed.refreshToken,
        organizationId: other.id,
      });
      expect(switched.organizationId).toBe(other.id);
      expect(decodeJwt(switched.accessToken)).toMatchObject({ org_id: other.id, role: 'viewer' });
    });

    it('supports PKCE public clients', async () => {
      const { user } = seedMember(emu);
      const publicClient = new WorkOS({ clientId: emu.clientId, apiHostname: '127.0.0.1', port: emu.port, https: false, maxRetries: 0 });
      const { codeVerifier, codeChallenge } = await publicClient.pkce.generate();
      const code = emu.issueAuthorizationCode({ userId: user.id, codeChallenge });
      const auth = await publicClient.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier });
      expect(auth.user.id).toBe(user.id);
    });
  });
});
