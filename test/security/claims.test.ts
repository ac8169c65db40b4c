/**
 * Step 6 of the token checks, on tokens the real WorkOS key signed: `exp` required and in the
 * future, `nbf`/`iat` not in the future, times numeric, `sub` a non-empty string, with
 * `clockTolerance` on both sides. Type errors are caught before the key set is fetched ("shape");
 * time checks need the verified signature first ("crypto": one cold JWKS fetch). Never a user lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthFailureCode } from '../../src';
import type { MintAccessTokenInput, WorkOSEmulator } from '../../src/testing';
import { expectAccepted, expectRejected, makeProvider, nowSec, startEmulator } from './helpers';

let emu: WorkOSEmulator;
let userId: string;

beforeAll(async () => {
  emu = await startEmulator();
  userId = emu.createUser({ email: 'claims@acme.test' }).id;
});

afterAll(async () => {
  await emu?.stop();
});

type Claims = (now: number) => Omit<MintAccessTokenInput, 'sub'> & { sub?: unknown };
type Stage = 'shape' | 'crypto';

async function rejects(claims: Claims, stage: Stage, reason: AuthFailureCode, clockTolerance?: number) {
  const token = await emu.mintAccessToken({ sub: userId, ...claims(nowSec()) } as MintAccessTokenInput);
  const subject = makeProvider(emu, clockTolerance === undefined ? {} : { clockTolerance });
  await expectRejected(emu, subject, token, { jwks: stage === 'shape' ? 0 : 1, reason });
}

async function accepts(claims: Claims, clockTolerance?: number) {
  const token = await emu.mintAccessToken({ sub: userId, ...claims(nowSec()) } as MintAccessTokenInput);
  const subject = makeProvider(emu, clockTolerance === undefined ? {} : { clockTolerance });
  await expectAccepted(emu, subject, token, userId, { jwks: 1, getUser: 1 });
}

describe('exp', () => {
  it.each<[string, Claims, Stage, AuthFailureCode]>([
    ['expired an hour ago', () => ({ expiresIn: -3600 }), 'crypto', 'token_expired'],
    ['expired a minute ago (default tolerance 5 s)', (now) => ({ iat: now - 360, exp: now - 60 }), 'crypto', 'token_expired'],
    ['exp = 0', () => ({ exp: 0 }), 'crypto', 'token_expired'],
    ['negative exp', () => ({ exp: -1 }), 'crypto', 'token_expired'],
    ['missing exp', () => ({ exp: undefined }), 'shape', 'claim_invalid'],
    ['exp as a numeric string (future)', (now) => ({ exp: String(now + 3600) }), 'shape', 'claim_invalid'],
    ['exp as a numeric string (past)', (now) => ({ exp: String(now - 3600) }), 'shape', 'claim_invalid'],
    ['exp as an ISO date string', (now) => ({ exp: new Date((now + 3600) * 1000).toISOString() }), 'shape', 'claim_invalid'],
    ['exp null', () => ({ exp: null }), 'shape', 'claim_invalid'],
    ['exp true', () => ({ exp: true }), 'shape', 'claim_invalid'],
    ['exp as an array', (now) => ({ exp: [now + 3600] }), 'shape', 'claim_invalid'],
    ['exp as an object', (now) => ({ exp: { value: now + 3600 } }), 'shape', 'claim_invalid'],
    ['exp empty string', () => ({ exp: '' }), 'shape', 'claim_invalid'],
  ])('%s → null', async (_name, claims, stage, reason) => {
    await rejects(claims, stage, reason);
  });
});

describe('nbf and iat', () => {
  it.each<[string, Claims, Stage, AuthFailureCode]>([
    ['nbf an hour ahead', (now) => ({ nbf: now + 3600 }), 'crypto', 'token_not_yet_valid'],
    ['nbf a minute ahead (default tolerance 5 s)', (now) => ({ nbf: now + 60 }), 'crypto', 'token_not_yet_valid'],
    ['nbf as a string', (now) => ({ nbf: String(now - 10) }), 'shape', 'claim_invalid'],
    ['nbf null', () => ({ nbf: null }), 'shape', 'claim_invalid'],
    ['nbf as an array', (now) => ({ nbf: [now] }), 'shape', 'claim_invalid'],
    ['iat far in the future (a year, exp after it)', (now) => ({ iat: now + 31_536_000 }), 'crypto', 'token_not_yet_valid'],
    ['iat a minute ahead (default tolerance 5 s)', (now) => ({ iat: now + 60, exp: now + 360 }), 'crypto', 'token_not_yet_valid'],
    ['iat as a string', (now) => ({ iat: String(now), exp: now + 300 }), 'shape', 'claim_invalid'],
    ['iat null', (now) => ({ iat: null, exp: now + 300 }), 'shape', 'claim_invalid'],
    ['iat boolean', (now) => ({ iat: false, exp: now + 300 }), 'shape', 'claim_invalid'],
  ])('%s → null', async (_name, claims, stage, reason) => {
    await rejects(claims, stage, reason);
  });
});

describe('sub', () => {
  it.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['number', 12345],
    ['null', null],
    ['array', ['user_1']],
    ['object', { id: 'user_1' }],
  ])('sub %s → claim_invalid, no network', async (_name, sub) => {
    await rejects(() => ({ sub }), 'shape', 'claim_invalid');
  });
});

describe('clockTolerance boundary (tolerance 30 s, margins of 5 s either side)', () => {
  it('exp 25 s ago → accepted', async () => {
    await accepts((now) => ({ iat: now - 325, exp: now - 25 }), 30);
  });

  it('exp 35 s ago → token_expired', async () => {
    await rejects((now) => ({ iat: now - 335, exp: now - 35 }), 'crypto', 'token_expired', 30);
  });

  it('nbf 25 s ahead → accepted', async () => {
    await accepts((now) => ({ nbf: now + 25 }), 30);
  });

  it('nbf 35 s ahead → token_not_yet_valid', async () => {
    await rejects((now) => ({ nbf: now + 35 }), 'crypto', 'token_not_yet_valid', 30);
  });

  it('iat 25 s ahead → accepted', async () => {
    await accepts((now) => ({ iat: now + 25, exp: now + 325 }), 30);
  });

  it('iat 35 s ahead → token_not_yet_valid', async () => {
    await rejects((now) => ({ iat: now + 35, exp: now + 335 }), 'crypto', 'token_not_yet_valid', 30);
  });

  it('clockTolerance 0: exp 10 s ago → token_expired', async () => {
    await rejects((now) => ({ iat: now - 310, exp: now - 10 }), 'crypto', 'token_expired', 0);
  });

  it('a token valid only through the tolerance is re-checked on every use (never cached)', async () => {
    const token = await emu.mintAccessToken({ sub: userId, iat: nowSec() - 325, exp: nowSec() - 25 });
    const subject = makeProvider(emu, { clockTolerance: 30 });
    await expectAccepted(emu, subject, token, userId, { jwks: 1, getUser: 1 });
    expect(subject.auth.getStats().cachedTokens).toBe(0);
  });
});

describe('expiry of a token already verified and cached', () => {
  it('a cached token stops working once exp passes: the cache never extends a token life', async () => {
    const subject = makeProvider(emu, { clockTolerance: 0 });
    const iat = nowSec();
    const first = await emu.mintAccessToken({ sub: userId, iat });
    const exp = iat + 3;
    const token = await emu.mintAccessToken({ sub: userId, iat, exp });
    // With no tolerance, the provider's clock must not lag the tokens' iat (minting may be slow).
    subject.clock.set(iat * 1000);
    await expectAccepted(emu, subject, first, userId, { jwks: 1, getUser: 1 });
    await expectAccepted(emu, subject, token, userId, { jwks: 0 });
    expect(subject.auth.getStats().cachedTokens).toBe(2);
    // The provider's clock moves to clearly (1.5 s) past exp.
    subject.clock.set((exp + 1.5) * 1000);
    await expectRejected(emu, subject, token, { jwks: 0, reason: 'token_expired' });
  });
});

describe('maxTokenAge on a token already verified and cached', () => {
  it('a cached token stops working once iat + maxTokenAge passes, well before exp', async () => {
    const subject = makeProvider(emu, { maxTokenAge: 60, clockTolerance: 5 });
    const iat = Math.floor(subject.clock.now() / 1000);
    const token = await emu.mintAccessToken({ sub: userId, iat, exp: iat + 300 });
    await expectAccepted(emu, subject, token, userId, { jwks: 1, getUser: 1 });
    subject.clock.set((iat + 59) * 1000);
    await expectAccepted(emu, subject, token, userId, { jwks: 0, getUser: 0 }); // served from the cache
    subject.clock.set((iat + 60 + 5 + 1) * 1000); // past the age limit and the tolerance, exp still 234 s away
    await expectRejected(emu, subject, token, { jwks: 0, getUser: 0, reason: 'token_expired' });
  });
});

describe('accepted on purpose (documented)', () => {
  it('no iat at all (iat is optional in RFC 7519) → accepted', async () => {
    await accepts(() => ({ iat: undefined, exp: nowSec() + 300 }));
  });

  it('fractional NumericDate exp → accepted', async () => {
    await accepts((now) => ({ exp: now + 120.5 }));
  });

  it('exp ten years ahead → accepted: the only lifetime bound is exp itself (no maxTokenAge option)', async () => {
    await accepts((now) => ({ exp: now + 10 * 365 * 86_400 }));
  });
});
