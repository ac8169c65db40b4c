/**
 * Keys: `kid` handling, signatures by keys WorkOS never published, header parameters that try to
 * bring their own key (`jwk`, `jku`, `x5u`, `x5c`), key rotation, and random-`kid` floods.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthFailureCode } from '../../src';
import type { WorkOSEmulator } from '../../src/testing';
import {
  attempt,
  craft,
  expectAccepted,
  expectNoSecrets,
  expectRejected,
  goodClaims,
  jwksPath,
  makeProvider,
  startEmulator,
  startTrapServer,
  type TrapServer,
} from './helpers';

let emu: WorkOSEmulator;
let trap: TrapServer;
let userId: string;

beforeAll(async () => {
  emu = await startEmulator();
  trap = await startTrapServer();
  userId = emu.createUser({ email: 'kid@acme.test' }).id;
});

afterAll(async () => {
  await trap?.stop();
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
});

/** Every request since `from` went to the JWKS path and nowhere else; the trap saw nothing. */
function expectOnlyJwksTraffic(from: number): void {
  expect(emu.calls.slice(from).every((call) => call.path === jwksPath(emu))).toBe(true);
  expect(trap.requests).toEqual([]);
}

describe('signatures by keys WorkOS never published', () => {
  it('foreign key under the real kid, cold → signature_invalid after one fetch, no user lookup', async () => {
    const token = await emu.mintAccessToken({ sub: userId, signWith: 'foreign' });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 1, reason: 'signature_invalid' });
  });

  it('foreign key under the real kid, warm → null, no refetch', async () => {
    const subject = makeProvider(emu);
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    for (let i = 0; i < 5; i += 1) {
      const token = await emu.mintAccessToken({ sub: userId, signWith: 'foreign' });
      await expectRejected(emu, subject, token, { jwks: 0, reason: 'signature_invalid' });
    }
  });

  it('foreign key under an unknown kid → key_not_found', async () => {
    const token = await emu.mintAccessToken({ sub: userId, signWith: 'foreign', kid: 'kid_attacker' });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 1, reason: 'key_not_found' });
  });
});

describe('kid values', () => {
  it('unknown kid on a real signature: cold → one fetch; again within the cooldown → no fetch', async () => {
    const subject = makeProvider(emu);
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, kid: 'kid_unknown_1' }), {
      jwks: 1,
      reason: 'key_not_found',
    });
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, kid: 'kid_unknown_2' }), {
      jwks: 0,
      reason: 'key_not_found',
    });
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['257 characters', 'k'.repeat(257)],
    ['5000 characters', 'k'.repeat(5000)],
  ])('%s kid → kid_missing, no network', async (_name, kid) => {
    const token = await emu.mintAccessToken({ sub: userId, kid });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'kid_missing' });
  });

  it('a 256-character kid is looked up (and not found)', async () => {
    const token = await emu.mintAccessToken({ sub: userId, kid: 'k'.repeat(256) });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 1, reason: 'key_not_found' });
  });

  it.each([
    ['number', 12345],
    ['boolean', true],
    ['object', { id: 'x' }],
    ['array holding the real kid', '<real>'],
    ['explicit null', null],
  ])('non-string kid (%s) → kid_missing, no network', async (_name, kid) => {
    const value = kid === '<real>' ? [emu.currentKid] : kid;
    const token = await emu.mintAccessToken({ sub: userId, kid: null, header: { kid: value } });
    await expectRejected(emu, makeProvider(emu), token, { jwks: 0, reason: 'kid_missing' });
  });

  it.each([
    '../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '/sso/jwks/client_security',
    '?kid=x&client=y',
    '#fragment',
    '<trap>/jwks.json',
    'file:///etc/passwd',
    '<script>alert(1)</script>',
    "' OR '1'='1",
    'kid\u0000null',
    'kid\r\nX-Injected: 1',
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'toString',
  ])('hostile kid %j → key_not_found; the only request is the JWKS fetch', async (raw) => {
    const kid = raw.replace('<trap>', trap.url);
    const from = emu.callCount();
    const subject = makeProvider(emu);
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, kid }), { jwks: 1, reason: 'key_not_found' });
    expectOnlyJwksTraffic(from);
  });

  it('a hostile kid is not echoed into the logs', async () => {
    const subject = makeProvider(emu);
    const kid = `evil_${'x'.repeat(200)}`;
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, kid }), { jwks: 1, reason: 'key_not_found' });
    expect(subject.logger.text).not.toContain(kid.slice(0, 40));
  });
});

describe('header parameters that bring their own key are never used', () => {
  let attacker: { privateKey: CryptoKey; jwk: Record<string, unknown> };

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    attacker = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'kid_attacker', alg: 'RS256', use: 'sig' } };
    // If anything ever fetched the trap, it would get a JWKS holding the attacker's key.
    trap.body = { keys: [attacker.jwk] };
  });

  function attackerToken(header: Record<string, unknown>): Promise<string> {
    return new SignJWT(goodClaims(emu, userId))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'kid_attacker', ...header })
      .sign(attacker.privateKey);
  }

  it.each<[string, () => Record<string, unknown>, AuthFailureCode]>([
    ['jku to the attacker JWKS, attacker kid', () => ({ jku: `${trap.url}/.well-known/jwks.json` }), 'key_not_found'],
    ['jku to the attacker JWKS, real kid', () => ({ jku: `${trap.url}/jwks`, kid: emu.currentKid }), 'signature_invalid'],
    ['x5u to the attacker, attacker kid', () => ({ x5u: `${trap.url}/cert.pem` }), 'key_not_found'],
    ['x5u to the attacker, real kid', () => ({ x5u: `${trap.url}/cert.pem`, kid: emu.currentKid }), 'signature_invalid'],
    ['embedded attacker jwk, attacker kid', () => ({ jwk: attacker.jwk }), 'key_not_found'],
    ['embedded attacker jwk, real kid', () => ({ jwk: { ...attacker.jwk, kid: emu.currentKid }, kid: emu.currentKid }), 'signature_invalid'],
    ['x5c chain (junk certificate), real kid', () => ({ x5c: [Buffer.from('not a certificate').toString('base64')], kid: emu.currentKid }), 'signature_invalid'],
    ['jku + x5u + jwk together, real kid', () => ({ jku: `${trap.url}/a`, x5u: `${trap.url}/b`, jwk: attacker.jwk, kid: emu.currentKid }), 'signature_invalid'],
  ])('%s → %s; the trap server gets zero requests', async (_name, header, reason) => {
    const from = emu.callCount();
    await expectRejected(emu, makeProvider(emu), await attackerToken(header()), { jwks: 1, reason });
    expectOnlyJwksTraffic(from);
  });

  it('jku/x5u/jwk/x5c on a token the real WorkOS key signed are ignored (not fetched); the token verifies', async () => {
    // Accepted on purpose: the signature is WorkOS's and the key came from WorkOS's URL; the
    // extra header fields are inert (RFC 8725 §3.10: never follow them).
    const from = emu.callCount();
    const token = await emu.mintAccessToken({
      sub: userId,
      header: { jku: `${trap.url}/jwks`, x5u: `${trap.url}/cert`, jwk: attacker.jwk, x5c: ['AAAA'] },
    });
    await expectAccepted(emu, makeProvider(emu), token, userId, { jwks: 1, getUser: 1 });
    expect(trap.requests).toEqual([]);
    expect(emu.calls.slice(from).map((call) => call.route)).toEqual(['jwks', 'getUser']);
  });
});

describe('key rotation without restart', () => {
  it('a new kid inside the cooldown is rejected without a refetch (the cost of flood protection)', async () => {
    const subject = makeProvider(emu, { jwks: { cooldownMs: 60_000 } });
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    await emu.rotateKeys({ keepPrevious: true });
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId }), { jwks: 0, reason: 'key_not_found' });
    // Tokens of the still-published old key keep working meanwhile.
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId, signWith: 'previous' }), userId, {
      jwks: 0,
    });
  });

  it('picks up a rotated key after the cooldown, and rejects the old key once WorkOS drops it', async () => {
    const cooldownMs = 300;
    const subject = makeProvider(emu, { jwks: { cooldownMs } });
    const tokenA = await emu.mintAccessToken({ sub: userId });
    await expectAccepted(emu, subject, tokenA, userId, { jwks: 1, getUser: 1 });

    // Rotation 1: the old key stays published.
    await emu.rotateKeys({ keepPrevious: true });
    subject.clock.advance(cooldownMs * 3);
    const tokenB = await emu.mintAccessToken({ sub: userId });
    await expectAccepted(emu, subject, tokenB, userId, { jwks: 1 });
    await expectAccepted(emu, subject, tokenA, userId, { jwks: 0 });
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId, signWith: 'previous' }), userId, { jwks: 0 });

    // Rotation 2: WorkOS stops publishing both older keys.
    await emu.rotateKeys({ keepPrevious: false });
    subject.clock.advance(cooldownMs * 3);
    const tokenC = await emu.mintAccessToken({ sub: userId });
    await expectAccepted(emu, subject, tokenC, userId, { jwks: 1 });

    // tokenB verified earlier (and sits in the verified-token cache); its key is gone now.
    const b = await attempt(emu, subject, tokenB);
    expect(b.user).toBeNull();
    expect(b.calls.jwks).toBeLessThanOrEqual(1);
    expect(b.calls.getUser).toBe(0);

    subject.clock.advance(cooldownMs * 3);
    // After the cooldown an unknown kid may cost exactly one refetch, which still does not have it.
    await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, signWith: 'previous' }), {
      jwks: 1,
      reason: 'key_not_found',
    });
    const a = await attempt(emu, subject, tokenA);
    expect(a.user).toBeNull();
    expect(a.calls.jwks).toBeLessThanOrEqual(1);
    expect(a.calls.getUser).toBe(0);

    // The new key keeps working throughout.
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 0 });
    expectNoSecrets(subject.logger, [tokenA, tokenB, tokenC]);
  });
});

describe('random-kid flood', () => {
  /** Half crafted (junk signature), half signed by the real key: both must cost nothing. */
  async function floodTokens(count: number): Promise<string[]> {
    const tokens: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const kid = `kid_${randomUUID()}`;
      tokens.push(
        i % 2 === 0
          ? craft({ alg: 'RS256', typ: 'JWT', kid }, goodClaims(emu, userId))
          : await emu.mintAccessToken({ sub: userId, kid }),
      );
    }
    return tokens;
  }

  it('200 random kids on a cold provider: one JWKS fetch in all, and a valid token still authenticates', async () => {
    const subject = makeProvider(emu);
    const flood = await floodTokens(200);
    const valid = await emu.mintAccessToken({ sub: userId });
    const before = { jwks: emu.callCount('jwks'), getUser: emu.callCount('getUser') };

    const inputs = [...flood.slice(0, 100), valid, ...flood.slice(100)];
    const results = await Promise.all(inputs.map((token) => subject.auth.authenticateToken(token)));

    expect(results[100]?.id).toBe(userId);
    expect(results.filter((user) => user !== null)).toHaveLength(1);
    expect(emu.callCount('jwks') - before.jwks).toBe(1);
    expect(emu.callCount('getUser') - before.getUser).toBe(1);
    expect(subject.logger.reasons().filter((reason) => reason === 'key_not_found')).toHaveLength(1);
    expectNoSecrets(subject.logger, [valid, ...flood.slice(0, 10)]);

    // A second wave against the now-warm key set: no fetch at all.
    const second = await floodTokens(200);
    const valid2 = await emu.mintAccessToken({ sub: userId });
    const jwksBefore = emu.callCount('jwks');
    const results2 = await Promise.all([valid2, ...second].map((token) => subject.auth.authenticateToken(token)));
    expect(results2[0]?.id).toBe(userId);
    expect(results2.slice(1).every((user) => user === null)).toBe(true);
    expect(emu.callCount('jwks') - jwksBefore).toBe(0);
  });

  it('a refetch for an unknown kid that hangs does not hold up valid tokens', async () => {
    const subject = makeProvider(emu, { jwks: { cooldownMs: 200, timeoutMs: 2_000 } });
    const jwksBefore = emu.callCount('jwks');
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    subject.clock.advance(600);
    emu.injectFault('jwks', { hang: true });
    const order: string[] = [];
    const unknown = subject.auth
      .authenticateToken(await emu.mintAccessToken({ sub: userId, kid: 'kid_rotating' }))
      .then((user) => order.push(`unknown:${user === null ? 'null' : 'user'}`));
    const valids = Array.from({ length: 5 }, async () => {
      const user = await subject.auth.authenticateToken(await emu.mintAccessToken({ sub: userId }));
      order.push(`valid:${user?.id === userId ? 'user' : 'null'}`);
    });
    await Promise.all([unknown, ...valids]);
    // All five valid tokens were answered from the cached keys while the refetch was still hanging.
    expect(order).toEqual([...Array(5).fill('valid:user'), 'unknown:null']);
    // This case's fetches, exactly: the cold one, then the refetch for the unknown kid that hung.
    expect(emu.callCount('jwks') - jwksBefore).toBe(2);
    expect(subject.auth.getStats().jwksFetches).toBe(2);
  });

  it('sustained flood across several cooldown windows: exactly one fetch per window', async () => {
    const cooldownMs = 1_000;
    const subject = makeProvider(emu, { jwks: { cooldownMs } });
    await expectAccepted(emu, subject, await emu.mintAccessToken({ sub: userId }), userId, { jwks: 1, getUser: 1 });
    for (let wave = 0; wave < 3; wave += 1) {
      subject.clock.advance(cooldownMs + 300);
      const tokens = await floodTokens(100);
      const valid = await emu.mintAccessToken({ sub: userId });
      const jwksBefore = emu.callCount('jwks');
      const results = await Promise.all([...tokens, valid].map((token) => subject.auth.authenticateToken(token)));
      expect(results.at(-1)?.id).toBe(userId);
      expect(results.slice(0, -1).every((user) => user === null)).toBe(true);
      // The wave starts after the cooldown: its first unknown kid refetches once; the other 99 wait for the next window.
      expect(emu.callCount('jwks') - jwksBefore).toBe(1);
    }
    // The cold fetch and one per wave.
    expect(subject.auth.getStats().jwksFetches).toBe(4);
  });
});
