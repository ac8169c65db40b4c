/**
 * Signing keys and access-token minting.
 *
 * Tokens are signed with `node:crypto` directly rather than through a JWT library on purpose:
 * tests must be able to mint tokens a strict verifier rejects (unknown `crit`, `jku`, missing
 * `kid`, odd claim types), and a library would refuse to produce them.
 */
import { generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { newId, ulid } from './ids';
import type { EmulatorJwk, MintAccessTokenInput } from './types';

const generateRsaKeyPair = promisify(generateKeyPair);

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: EmulatorJwk;
}

async function createSigningKey(kid: string = newId('sso_oidc_key_pair')): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('RSA key export produced no modulus/exponent.');
  return { kid, privateKey, publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } };
}

/** Which key signs a token; see {@link MintAccessTokenInput.signWith}. */
export type SignWith = 'current' | 'previous' | 'foreign';

/**
 * The emulator's key set: a current key, the key it replaced (published or not), and a
 * "foreign" key that is never published (lazily created: most tests never need it).
 */
export class KeyRing {
  private previous: SigningKey | undefined;
  private publishPrevious = false;
  private foreign: Promise<SigningKey> | undefined;

  private constructor(private current: SigningKey) {}

  static async create(): Promise<KeyRing> {
    return new KeyRing(await createSigningKey());
  }

  get currentKid(): string {
    return this.current.kid;
  }

  /** Makes a fresh key current; the old one stays published only with `keepPrevious`. */
  async rotate(keepPrevious: boolean): Promise<{ kid: string }> {
    const next = await createSigningKey();
    this.previous = this.current;
    this.publishPrevious = keepPrevious;
    this.current = next;
    return { kid: next.kid };
  }

  /** The JWKS document: current key first, then the previous one when still published. */
  publicJwks(): { keys: EmulatorJwk[] } {
    const keys = [this.current.publicJwk];
    if (this.previous && this.publishPrevious) keys.push(this.previous.publicJwk);
    return { keys: keys.map((key) => ({ ...key })) };
  }

  /** RS256 compact JWS over arbitrary header and payload objects. */
  async sign(header: Record<string, unknown>, payload: Record<string, unknown>, which: SignWith): Promise<string> {
    const key = await this.keyFor(which);
    const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
    const signature = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }

  /** The kid a key would put in the header by default. Foreign keys impersonate the current kid. */
  async kidFor(which: SignWith): Promise<string> {
    return which === 'foreign' ? this.current.kid : (await this.keyFor(which)).kid;
  }

  private async keyFor(which: SignWith): Promise<SigningKey> {
    switch (which) {
      case 'current':
        return this.current;
      case 'previous':
        if (!this.previous) throw new Error("signWith: 'previous' needs a previous key: call rotateKeys() first.");
        return this.previous;
      case 'foreign':
        this.foreign ??= createSigningKey();
        return this.foreign;
      default:
        throw new Error(`signWith must be 'current', 'previous' or 'foreign'; got '${String(which)}'.`);
    }
  }
}

function encodeSegment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Option keys of {@link MintAccessTokenInput}; every other key is a claim. */
const OPTION_KEYS = new Set(['expiresIn', 'kid', 'header', 'signWith']);

/**
 * Mints a WorkOS-style access token: `iss`, `sub`, `sid`, `jti`, `iat`, `exp` plus the caller's
 * claims. An explicit claim replaces the default; a claim set to `undefined` is omitted.
 */
export async function mintAccessToken(
  keys: KeyRing,
  defaults: { issuer: string; ttlSeconds: number; now?: number },
  input: MintAccessTokenInput,
): Promise<string> {
  const signWith = input.signWith ?? 'current';
  const iat = Math.floor((defaults.now ?? Date.now()) / 1000);
  const claims: Record<string, unknown> = {
    iss: defaults.issuer,
    sub: input.sub,
    sid: newId('session'),
    jti: ulid(),
    iat,
  };
  for (const [name, value] of Object.entries(input)) {
    if (OPTION_KEYS.has(name)) continue;
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  // `exp` follows the final `iat` unless given (or removed) explicitly.
  if (!('exp' in input)) {
    const base = typeof claims.iat === 'number' ? claims.iat : iat;
    claims.exp = base + (input.expiresIn ?? defaults.ttlSeconds);
  }

  const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' };
  if (input.kid !== null) header.kid = input.kid ?? (await keys.kidFor(signWith));
  Object.assign(header, input.header);
  return keys.sign(header, claims, signWith);
}
