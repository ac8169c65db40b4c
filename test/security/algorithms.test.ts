/**
 * Step 4 of the token checks, `alg`: only the allow-list (default RS256) passes, compared exactly;
 * `none` in any spelling and HMAC never do, so the classic "HS256 signed with the RSA public key"
 * confusion cannot work. Rejections happen before the key set is fetched.
 */
import { createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import type { WorkOSEmulator } from '../../src/testing';
import { b64url, craft, expectAccepted, expectRejected, goodClaims, makeProvider, startEmulator } from './helpers';

let emu: WorkOSEmulator;
let userId: string;

beforeAll(async () => {
  emu = await startEmulator();
  userId = emu.createUser({ email: 'alg@acme.test' }).id;
});

afterAll(async () => {
  await emu?.stop();
});

describe('alg none', () => {
  const spellings = ['none', 'None', 'NONE', 'nOnE', 'none '];

  it.each(spellings)('alg %j with an empty signature → token_malformed, no network', async (alg) => {
    const [h, p] = [b64url({ alg, typ: 'JWT', kid: emu.currentKid }), b64url(goodClaims(emu, userId))];
    await expectRejected(emu, makeProvider(emu), `${h}.${p}.`, { jwks: 0, reason: 'token_malformed' });
  });

  it.each(spellings)('alg %j with a junk signature → alg_not_allowed, no network', async (alg) => {
    const token = craft({ alg, typ: 'JWT', kid: emu.currentKid }, goodClaims(emu, userId));
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it.each(spellings)('alg %j on a token the real key signed → alg_not_allowed, no network', async (alg) => {
    const token = await emu.mintAccessToken({ sub: userId, header: { alg } });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it('alg none on a warm provider → alg_not_allowed, no refetch, no user lookup', async () => {
    const subject = makeProvider(emu);
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    const token = craft({ alg: 'none', kid: emu.currentKid }, goodClaims(emu, userId));
    await expectRejected(emu, subject, token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it("'none' cannot be configured", () => {
    expect(() => new MastraAuthWorkos({ ...emu.connection, algorithms: ['none'] })).toThrow(/algorithms/);
  });
});

describe('HS256 signed with the RSA public key (algorithm confusion)', () => {
  /** Every encoding of the public key an attacker might try as the HMAC secret. */
  function publicKeySecrets(): Array<[string, Uint8Array]> {
    const jwk = emu.publicJwks().keys[0]!;
    const keyObject = createPublicKey({ key: jwk as never, format: 'jwk' });
    const pemSpki = keyObject.export({ type: 'spki', format: 'pem' }) as string;
    const pemPkcs1 = keyObject.export({ type: 'pkcs1', format: 'pem' }) as string;
    const der = keyObject.export({ type: 'spki', format: 'der' });
    return [
      ['SPKI PEM bytes', new TextEncoder().encode(pemSpki)],
      ['PKCS#1 PEM bytes', new TextEncoder().encode(pemPkcs1)],
      ['SPKI PEM without trailing newline', new TextEncoder().encode(pemSpki.trimEnd())],
      ['SPKI DER bytes', new Uint8Array(der)],
      ['JWK JSON bytes', new TextEncoder().encode(JSON.stringify(jwk))],
      ['modulus bytes', new Uint8Array(Buffer.from(String((jwk as { n: string }).n), 'base64url'))],
    ];
  }

  async function confusedToken(alg: string, secret: Uint8Array): Promise<string> {
    return new SignJWT({ ...goodClaims(emu, userId) })
      .setProtectedHeader({ alg, typ: 'JWT', kid: emu.currentKid })
      .sign(secret);
  }

  it('covers every public-key encoding, for HS256, HS384 and HS512, cold → alg_not_allowed, no network', async () => {
    let cases = 0;
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      for (const [name, secret] of publicKeySecrets()) {
        const subject = makeProvider(emu);
        await expectRejected(emu, subject, await confusedToken(alg, secret), { jwks: 0, reason: 'alg_not_allowed' });
        expect(subject.logger.reasons(), `${alg} / ${name}`).toEqual(['alg_not_allowed']);
        cases += 1;
      }
    }
    expect(cases).toBe(18);
  });

  it('warm provider (the public key is already cached) → alg_not_allowed, no refetch', async () => {
    const subject = makeProvider(emu);
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    for (const [, secret] of publicKeySecrets()) {
      await expectRejected(emu, subject, await confusedToken('HS256', secret), { jwks: 0, reason: 'alg_not_allowed' });
    }
  });

  it.each([[['HS256']], [['RS256', 'HS256']], [['RS256', 'HS512']], [[]]])(
    'algorithms %j cannot be configured: construction fails naming the option',
    (algorithms) => {
      expect(() => new MastraAuthWorkos({ ...emu.connection, algorithms })).toThrowError(
        expect.objectContaining({ name: 'WorkOSConfigError', option: 'algorithms' }),
      );
    },
  );
});

describe('algorithms outside the allow-list', () => {
  it.each(['RS384', 'RS512', 'PS256', 'PS512', 'ES256', 'EdDSA', 'rs256', 'Rs256', 'RS256 ', ' RS256', 'RS256\u0000', 'RSA256', 'HS256'])(
    'alg %j on a token the real key signed → alg_not_allowed, no network',
    async (alg) => {
      const token = await emu.mintAccessToken({ sub: userId, header: { alg } });
      await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
    },
  );

  it('ES256 signed by an attacker EC key under the real kid → alg_not_allowed, no network', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT(goodClaims(emu, userId)).setProtectedHeader({ alg: 'ES256', kid: emu.currentKid }).sign(privateKey);
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it('PS256 signed by an attacker RSA key under the real kid → alg_not_allowed, no network', async () => {
    const { privateKey } = await generateKeyPair('PS256');
    const token = await new SignJWT(goodClaims(emu, userId)).setProtectedHeader({ alg: 'PS256', kid: emu.currentKid }).sign(privateKey);
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it('ES256 allowed by configuration, but the WorkOS key is RSA → key_not_found (no key of that type), one cold fetch', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const token = await new SignJWT(goodClaims(emu, userId))
      .setProtectedHeader({ alg: 'ES256', kid: emu.currentKid, jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    const subject = makeProvider(emu, { algorithms: ['RS256', 'ES256'] });
    await expectRejected(emu, subject, token, { jwks: 1, reason: 'key_not_found' });
  });

  it('PS256 allowed by configuration, but the published key is for RS256 → key_not_found, one cold fetch', async () => {
    const { privateKey } = await generateKeyPair('PS256');
    const token = await new SignJWT(goodClaims(emu, userId)).setProtectedHeader({ alg: 'PS256', kid: emu.currentKid }).sign(privateKey);
    const subject = makeProvider(emu, { algorithms: ['RS256', 'PS256'] });
    await expectRejected(emu, subject, token, { jwks: 1, reason: 'key_not_found' });
  });
});

describe('missing or non-string alg', () => {
  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty string', ''],
    ['number', 256],
    ['array holding RS256', ['RS256']],
    ['object', { name: 'RS256' }],
    ['boolean', true],
  ])('alg %s on a token the real key signed → alg_not_allowed, no network', async (_name, alg) => {
    const token = await emu.mintAccessToken({ sub: userId, header: { alg } });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it('alg only under __proto__ (not an own member) → alg_not_allowed, no network', async () => {
    const header = Buffer.from(`{"__proto__":{"alg":"RS256"},"kid":${JSON.stringify(emu.currentKid)}}`).toString('base64url');
    const token = `${header}.${b64url(goodClaims(emu, userId))}.c2ln`;
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });

  it('duplicate alg members: the last one ("none") is what both we and jose read → alg_not_allowed, no network', async () => {
    const header = Buffer.from(`{"alg":"RS256","kid":${JSON.stringify(emu.currentKid)},"alg":"none"}`).toString('base64url');
    const token = `${header}.${b64url(goodClaims(emu, userId))}.c2ln`;
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'alg_not_allowed' });
  });
});

describe('crit and b64 (extensions we do not implement)', () => {
  it.each<[string, unknown]>([
    ['unknown extension name', ['urn:example:unknown']],
    ['a registered claim name', ['exp']],
    ['b64', ['b64']],
    ['empty list', []],
    ['not a list', 'exp'],
    ['null', null],
  ])('crit %s on a token the real key signed → crit_unsupported, no network', async (_name, crit) => {
    const token = await emu.mintAccessToken({ sub: userId, header: { crit, 'urn:example:unknown': true } });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'crit_unsupported' });
  });

  it('crit on a warm provider → crit_unsupported, no refetch', async () => {
    const subject = makeProvider(emu);
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, header: { crit: ['exp'] } }), {
      jwks: 0,
      reason: 'crit_unsupported',
    });
  });

  it.each([false, true])('b64: %j (unencoded payload option) → token_malformed, no network', async (b64) => {
    const token = await emu.mintAccessToken({ sub: userId, header: { b64 } });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'token_malformed' });
  });
});

describe('control', () => {
  it('the same claims signed RS256 by the real key → the user', async () => {
    await expectAccepted(emu, makeProvider(emu), await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
  });
});
