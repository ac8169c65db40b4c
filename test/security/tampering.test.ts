/**
 * Step 5, the signature: any change to the signed bytes of a real WorkOS token (payload, header,
 * signature, or a splice of two tokens) is rejected after one cold JWKS fetch, without a user lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { b64url, expectAccepted, expectRejected, makeProvider, nowSec, startEmulator } from './helpers';

let emu: WorkOSEmulator;
let alice: string;
let mallory: string;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Same characters except one, changed at `index` to its neighbour in the alphabet. */
function flipChar(segment: string, index: number): string {
  const position = index < 0 ? segment.length + index : index;
  const char = segment[position] ?? 'A';
  const next = ALPHABET[(ALPHABET.indexOf(char) + 1) % ALPHABET.length] ?? 'A';
  return `${segment.slice(0, position)}${next}${segment.slice(position + 1)}`;
}

/** Changes only the unused low bits of the last character: same decoded bytes, different text. */
function flipPaddingBits(segment: string): string {
  const last = segment.at(-1) ?? 'A';
  return `${segment.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(last) ^ 1]}`;
}

/** The character with the same high bits as `last` and the 4 spare bits (of a 4n+2 segment) cleared. */
function canonicalLast(last: string): string {
  return ALPHABET[ALPHABET.indexOf(last) & ~0x0f] ?? 'A';
}

function parts(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

function decodePayload(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  emu = await startEmulator();
  alice = emu.createUser({ email: 'alice@acme.test' }).id;
  mallory = emu.createUser({ email: 'mallory@acme.test' }).id;
});

afterAll(async () => {
  await emu?.stop();
});

describe('tampered tokens', () => {
  it.each<[string, (token: string) => string | Promise<string>]>([
    ['payload: sub swapped to another user', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${b64url({ ...decodePayload(p), sub: alice })}.${s}`;
    }],
    ['payload: exp extended by a year', (t) => {
      const [h, p, s] = parts(t);
      const claims = decodePayload(p);
      return `${h}.${b64url({ ...claims, exp: (claims.exp as number) + 31_536_000 })}.${s}`;
    }],
    ['payload: admin role and permissions added', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${b64url({ ...decodePayload(p), role: 'admin', permissions: ['*'] })}.${s}`;
    }],
    ['payload: same JSON re-serialised with spaces', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${Buffer.from(JSON.stringify(decodePayload(p), null, 1)).toString('base64url')}.${s}`;
    }],
    ['payload: one character changed', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${flipChar(p, 20)}.${s}`;
    }],
    ['header: typ changed', (t) => {
      const [h, p, s] = parts(t);
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
      return `${b64url({ ...header, typ: 'at+jwt' })}.${p}.${s}`;
    }],
    ['signature: one character changed in the middle', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${p}.${flipChar(s, 100)}`;
    }],
    ['signature: first character changed', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${p}.${flipChar(s, 0)}`;
    }],
    ['signature: truncated by four characters (kept canonical)', (t) => {
      const [h, p, s] = parts(t);
      const cut = s.slice(0, -4);
      // Keep the spelling canonical (spare bits zero) so the signature check is what refuses it.
      return `${h}.${p}.${cut.slice(0, -1)}${canonicalLast(cut.at(-1) ?? 'A')}`;
    }],
    ['signature: doubled', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${p}.${s}${s}`;
    }],
    ['splice: mallory payload with the signature of an alice token', async (t) => {
      const [h, p] = parts(t);
      const [, , aliceSignature] = parts(await emu.mintAccessToken({ sub: alice }));
      return `${h}.${p}.${aliceSignature}`;
    }],
    ['splice: alice header+payload, signature of this token', async (t) => {
      const [, , s] = parts(t);
      const [h, p] = parts(await emu.mintAccessToken({ sub: alice }));
      return `${h}.${p}.${s}`;
    }],
  ])('%s → signature_invalid after one cold fetch, no user lookup', async (_name, tamper) => {
    const original = await emu.mintAccessToken({ sub: mallory, iat: nowSec() });
    const tampered = await tamper(original);
    expect(tampered).not.toBe(original);
    await expectRejected(emu, makeProvider(emu), tampered, { jwks: 1, reason: 'signature_invalid' });
  });

  it('every payload change on a warm provider: signature_invalid, no refetch', async () => {
    const subject = makeProvider(emu);
    const original = await emu.mintAccessToken({ sub: mallory });
    await expectAccepted(emu, subject, original, mallory, { jwks: 1, getUser: 1 });
    const [h, p, s] = parts(original);
    for (const claims of [{ sub: alice }, { org_id: 'org_other' }, { role: 'admin' }, { iss: 'https://evil.test' }]) {
      await expectRejected(emu, subject, `${h}.${b64url({ ...decodePayload(p), ...claims })}.${s}`, {
        jwks: 0,
        reason: 'signature_invalid',
      });
    }
  });

  it('a tampered copy of a token already verified and cached is still rejected', async () => {
    // The verified-token cache is keyed by a hash of the whole token, not by its claims.
    const subject = makeProvider(emu);
    const original = await emu.mintAccessToken({ sub: mallory });
    await expectAccepted(emu, subject, original, mallory, { jwks: 1, getUser: 1 });
    const [h, p, s] = parts(original);
    await expectRejected(emu, subject, `${h}.${b64url({ ...decodePayload(p), sub: alice })}.${s}`, {
      jwks: 0,
      reason: 'signature_invalid',
    });
    await expectAccepted(emu, subject, original, mallory, { jwks: 0 });
  });
});

describe('non-canonical base64url (one token = one string)', () => {
  it('signature with unused trailing bits set (same signature bytes) → rejected before any fetch', async () => {
    // base64url leaves 4 spare bits in the last character of a 256-byte RSA signature; decoders
    // ignore them, so this is a second spelling of the same signed token. Refusing it keeps one
    // token = one string for the verified-token cache and for any deny-list a user keeps.
    const original = await emu.mintAccessToken({ sub: mallory });
    const [h, p, s] = parts(original);
    const variant = `${h}.${p}.${flipPaddingBits(s)}`;
    expect(variant).not.toBe(original);
    expect(Buffer.from(flipPaddingBits(s), 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    const subject = makeProvider(emu);
    await expectRejected(emu, subject, variant, { jwks: 0, getUser: 0, reason: 'token_malformed' });
    await expectAccepted(emu, subject, original, mallory, { jwks: 1, getUser: 1 });
    // …also when the key is already at hand (the warm path).
    await expectRejected(emu, subject, variant, { jwks: 0, getUser: 0, reason: 'token_malformed' });
  });

  it('payload with unused trailing bits set → rejected; the canonical spelling is accepted', async () => {
    let original = '';
    for (let pad = 0; pad < 4; pad += 1) {
      original = await emu.mintAccessToken({ sub: mallory, pad: 'x'.repeat(pad) });
      if (parts(original)[1].length % 4 !== 0) break; // a spelling with spare bits
    }
    const [h, p, s] = parts(original);
    expect(p.length % 4).not.toBe(0);
    const variant = `${h}.${flipPaddingBits(p)}.${s}`;
    expect(Buffer.from(flipPaddingBits(p), 'base64url').equals(Buffer.from(p, 'base64url'))).toBe(true);
    const subject = makeProvider(emu);
    await expectAccepted(emu, subject, original, mallory, { jwks: 1, getUser: 1 });
    await expectRejected(emu, subject, variant, { jwks: 0, getUser: 0, reason: 'token_malformed' });
  });

  it('header with unused trailing bits set → rejected as malformed, before the signature is looked at', async () => {
    const original = await emu.mintAccessToken({ sub: mallory });
    const [h, p, s] = parts(original);
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    let crafted = h;
    for (let pad = 1; crafted.length % 4 === 0 || crafted === h; pad += 1) crafted = b64url({ ...header, x: 'y'.repeat(pad) });
    // The crafted header changes what is signed: canonical, it fails on the signature...
    await expectRejected(emu, makeProvider(emu), `${crafted}.${p}.${s}`, { jwks: 1, getUser: 0, reason: 'signature_invalid' });
    // ...spelled with spare bits set, it never gets that far.
    await expectRejected(emu, makeProvider(emu), `${flipPaddingBits(crafted)}.${p}.${s}`, { jwks: 0, getUser: 0, reason: 'token_malformed' });
  });
});
