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
    ['payload: only the unused trailing bits changed (same JSON bytes)', async () => {
      // Pad the payload until its last base64url character carries 4 spare bits.
      for (let pad = ''; ; pad += 'x') {
        const [h, p, s] = parts(await emu.mintAccessToken({ sub: mallory, pad }));
        if (p.length % 4 !== 2) continue;
        const flipped = flipPaddingBits(p);
        expect(Buffer.from(flipped, 'base64url').equals(Buffer.from(p, 'base64url'))).toBe(true);
        return `${h}.${flipped}.${s}`;
      }
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
    ['signature: truncated by four characters', (t) => {
      const [h, p, s] = parts(t);
      return `${h}.${p}.${s.slice(0, -4)}`;
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

describe('accepted on purpose (documented)', () => {
  it('signature with different unused trailing bits (same signature bytes) → accepted as the same user', async () => {
    // base64url leaves 4 spare bits in the last character of a 256-byte RSA signature; decoders
    // ignore them, so the signature bytes (and the signed content) are unchanged. Not a forgery:
    // only a second spelling of the same token, which is verified on its own (cache key differs).
    const original = await emu.mintAccessToken({ sub: mallory });
    const [h, p, s] = parts(original);
    const variant = `${h}.${p}.${flipPaddingBits(s)}`;
    expect(variant).not.toBe(original);
    expect(Buffer.from(flipPaddingBits(s), 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    await expectAccepted(emu, makeProvider(emu), variant, mallory, { jwks: 1, getUser: 1 });
  });
});
