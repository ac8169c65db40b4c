/**
 * Signing keys (src/testing/keys.ts): the published JWKS, minted access tokens, key rotation and
 * the foreign key, checked with the real jose.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { useEmulator, verify } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  useEmulator((started) => ({ emu } = started));

  describe('JWKS and minted tokens', () => {
    it('serves the JWKS without an API key, as JSON; unknown client → 404', async () => {
      const res = await fetch(emu.jwksUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as { keys: Array<Record<string, unknown>> };
      expect(body).toEqual(emu.publicJwks());
      expect(body.keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: emu.currentKid, alg: 'RS256', use: 'sig' })]);
      expect(body.keys[0]).not.toHaveProperty('d');

      const unknown = await fetch(`${emu.baseUrl}/sso/jwks/client_other`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'entity_not_found' });
      expect(emu.callCount('jwks')).toBe(2);
    });

    it('mints tokens that verify with jose against the remote JWKS', async () => {
      const token = await emu.mintAccessToken({ sub: 'user_1', org_id: 'org_1', permissions: ['a'], entitlements: ['pro'] });
      const { payload } = await verify(emu, token);
      expect(payload).toMatchObject({ iss: emu.issuer, sub: 'user_1', org_id: 'org_1', permissions: ['a'], entitlements: ['pro'] });
      expect(payload.jti).toEqual(expect.any(String));
      expect(payload.sid).toMatch(/^session_/);
    });

    it('lets claims and headers be overridden or omitted', async () => {
      const expired = await emu.mintAccessToken({ sub: 'user_1', expiresIn: -60 });
      await expect(verify(emu, expired)).rejects.toBeInstanceOf(joseErrors.JWTExpired);

      const custom = await emu.mintAccessToken({
        sub: 'user_1',
        iss: 'https://api.workos.com',
        aud: 'mcp',
        sid: undefined,
        nbf: 1,
        kid: null,
        header: { crit: ['x-unknown'], 'x-unknown': 1, jku: 'https://evil.test/jwks' },
      });
      const header = decodeProtectedHeader(custom);
      expect(header).not.toHaveProperty('kid');
      expect(header).toMatchObject({ alg: 'RS256', crit: ['x-unknown'], jku: 'https://evil.test/jwks' });
      const claims = decodeJwt(custom);
      expect(claims).toMatchObject({ iss: 'https://api.workos.com', aud: 'mcp', nbf: 1 });
      expect(claims).not.toHaveProperty('sid');
      expect(claims).not.toHaveProperty('expiresIn');

      const fixedTimes = decodeJwt(await emu.mintAccessToken({ sub: 'u', iat: 1000, expiresIn: 10 }));
      expect(fixedTimes).toMatchObject({ iat: 1000, exp: 1010 });
      expect(decodeJwt(await emu.mintAccessToken({ sub: 'u', exp: undefined }))).not.toHaveProperty('exp');
    });

    it('rotateKeys keeps the previous key published by default, and drops it on request', async () => {
      const oldKid = emu.currentKid;
      const oldToken = await emu.mintAccessToken({ sub: 'user_1' });

      const { kid } = await emu.rotateKeys();
      expect(kid).not.toBe(oldKid);
      expect(emu.currentKid).toBe(kid);
      expect(emu.publicJwks().keys.map((k) => k.kid)).toEqual([kid, oldKid]);
      await expect(verify(emu, oldToken)).resolves.toBeTruthy();
      const newToken = await emu.mintAccessToken({ sub: 'user_1' });
      expect(decodeProtectedHeader(newToken).kid).toBe(kid);
      await expect(verify(emu, newToken)).resolves.toBeTruthy();

      const previousSigned = await emu.mintAccessToken({ sub: 'user_1', signWith: 'previous' });
      expect(decodeProtectedHeader(previousSigned).kid).toBe(oldKid);

      await emu.rotateKeys({ keepPrevious: false });
      expect(emu.publicJwks().keys).toHaveLength(1);
      await expect(verify(emu, oldToken)).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
      await expect(verify(emu, newToken)).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    });

    it('tokens signed with the foreign key fail verification despite the current kid', async () => {
      const forged = await emu.mintAccessToken({ sub: 'user_1', signWith: 'foreign' });
      expect(decodeProtectedHeader(forged).kid).toBe(emu.currentKid);
      await expect(verify(emu, forged)).rejects.toBeInstanceOf(joseErrors.JWSSignatureVerificationFailed);
      await expect(jwtVerify(forged, createLocalJWKSet(emu.publicJwks()))).rejects.toThrow();
    });
  });
});
