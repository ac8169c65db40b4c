import { randomBytes } from 'node:crypto';

/** Crockford base32, the alphabet of ULIDs (WorkOS ids are `<prefix>_<ULID>`). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom = 0n;

function encodeBase32(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

/**
 * A monotonic ULID: ids generated in the same millisecond still sort in creation order, which
 * keeps WorkOS-like ids human-sortable in test output.
 */
export function ulid(now: number = Date.now()): string {
  if (now === lastTime) {
    lastRandom = (lastRandom + 1n) & ((1n << 80n) - 1n);
  } else {
    lastTime = now;
    lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`);
  }
  return encodeBase32(BigInt(now), 10) + encodeBase32(lastRandom, 16);
}

/** A WorkOS-style id, e.g. `newId('user')` → `user_01J...`. */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

/** An opaque random token (authorization codes, refresh tokens). */
export function opaqueToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** ISO-8601 timestamp, the format of every WorkOS `*_at` field. */
export function timestamp(): string {
  return new Date().toISOString();
}
