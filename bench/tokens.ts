/**
 * Token sets for the benchmark and the call-count tests, minted by the WorkOS emulator.
 * Minting signs with RS256 (about 1 ms each), so large sets reuse signatures where that does not
 * change what is measured: tampered signatures are derived from a few real tokens.
 */
import type { MintAccessTokenInput, WorkOSEmulator } from '../src/testing';

/** `count` distinct valid tokens (distinct `jti`) with the same claims. */
export async function mintDistinctTokens(emu: WorkOSEmulator, count: number, claims: MintAccessTokenInput): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) tokens.push(await emu.mintAccessToken(claims));
  return tokens;
}

export type InvalidTokenKind = 'garbage' | 'bad_signature' | 'expired' | 'unknown_kid' | 'wrong_issuer';

export interface InvalidTokenSet {
  tokens: string[];
  /** How many tokens of each kind, for the report. */
  counts: Record<InvalidTokenKind, number>;
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Cheap structurally broken tokens: none of them may cost a signature check or a fetch. */
function garbageToken(i: number, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, iat: now, exp: now + 300, n: i };
  switch (i % 8) {
    case 0:
      return `not-a-jwt-${i}`;
    case 1:
      return `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}`; // two segments
    case 2:
      return `${b64('{not json')}.${b64(claims)}.c2ln${i}`;
    case 3:
      return `${b64({ alg: 'none', typ: 'JWT', kid: 'k' })}.${b64(claims)}.`;
    case 4:
      return `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k' })}.${b64(claims)}.c2lnbmF0dXJl${i}`;
    case 5:
      return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl${i}`; // no kid
    case 6:
      return `${b64([1, 2, 3])}.${b64(claims)}.c2ln${i}`; // header not an object
    default:
      return `${'A'.repeat(9000)}.${i}`; // over maxTokenLength
  }
}

/** A copy of `token` with one signature character changed (never the last two, which may be padding bits). */
function tamperSignature(token: string, variant: number): string {
  const dot = token.lastIndexOf('.');
  const signature = token.slice(dot + 1);
  const position = variant % (signature.length - 2);
  const original = signature[position];
  const replacement = original === 'A' ? 'B' : 'A';
  return `${token.slice(0, dot + 1)}${signature.slice(0, position)}${replacement}${signature.slice(position + 1)}`;
}

/**
 * `total` invalid tokens for `sub`, interleaved by kind: garbage, bad signatures (tampered real
 * tokens and tokens signed by an unpublished key), expired, unknown `kid`, wrong issuer. Expired,
 * unknown-kid and wrong-issuer tokens repeat from a small minted pool: the verifier never caches
 * a failure, so a repeat takes the same path as a new token.
 */
export async function invalidTokenMix(emu: WorkOSEmulator, total: number, sub: string, pool = 40): Promise<InvalidTokenSet> {
  const genuine = await mintDistinctTokens(emu, Math.max(1, Math.ceil(pool / 4)), { sub });
  const foreign = await mintDistinctTokens(emu, Math.max(1, Math.ceil(pool / 4)), { sub, signWith: 'foreign' });
  const expired = await mintDistinctTokens(emu, pool, { sub, expiresIn: -3600 });
  const unknownKid = await mintDistinctTokens(emu, Math.max(1, Math.ceil(pool / 4)), { sub, signWith: 'foreign', kid: 'kid_not_published' });
  const wrongIssuer = await mintDistinctTokens(emu, Math.max(1, Math.ceil(pool / 4)), { sub, iss: 'https://issuer.invalid' });

  const kinds: InvalidTokenKind[] = ['garbage', 'bad_signature', 'expired', 'garbage', 'bad_signature', 'expired', 'unknown_kid', 'wrong_issuer'];
  const counts: Record<InvalidTokenKind, number> = { garbage: 0, bad_signature: 0, expired: 0, unknown_kid: 0, wrong_issuer: 0 };
  const tokens: string[] = [];
  for (let i = 0; i < total; i += 1) {
    const kind = kinds[i % kinds.length]!;
    const n = counts[kind];
    counts[kind] += 1;
    switch (kind) {
      case 'garbage':
        tokens.push(garbageToken(n, sub));
        break;
      case 'bad_signature':
        tokens.push(n % 10 === 9 ? foreign[n % foreign.length]! : tamperSignature(genuine[n % genuine.length]!, Math.floor(n / genuine.length)));
        break;
      case 'expired':
        tokens.push(expired[n % expired.length]!);
        break;
      case 'unknown_kid':
        tokens.push(unknownKid[n % unknownKid.length]!);
        break;
      case 'wrong_issuer':
        tokens.push(wrongIssuer[n % wrongIssuer.length]!);
        break;
    }
  }
  return { tokens, counts };
}
