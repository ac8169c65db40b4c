import { WorkOSAuthError } from './errors';

export interface TokenShapeRules {
  maxTokenLength: number;
  algorithms: readonly string[];
  maxKidLength: number;
}

const BEARER_PREFIX = /^bearer[ \t]+/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether the last character of a base64url segment leaves its unused low bits at zero, i.e. the
 * segment is the one canonical spelling of its bytes (RFC 4648 §3.5). Decoders ignore those bits,
 * so without this check one token has several spellings, each a different cache (or deny-list)
 * key. O(1): only the last character matters. A length of 4n+1 is never valid.
 */
export function isCanonicalBase64url(segment: string): boolean {
  const spare = segment.length % 4;
  if (spare === 0) return true;
  if (spare === 1) return false;
  const value = BASE64URL_ALPHABET.indexOf(segment.charAt(segment.length - 1));
  return value !== -1 && (value & (spare === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * The token from what the server hands us: Mastra strips `Bearer ` already, but a direct caller may
 * pass the whole header value. The scheme is case-insensitive (RFC 7235); exactly one token must
 * follow, so anything with inner whitespace (another scheme, two tokens) is rejected.
 */
export function extractBearerToken(value: unknown): string {
  // Fast path, the common case: a bare token as Mastra hands it. Other whitespace than space and
  // tab cannot make a token valid either: jose's base64url decoder refuses it.
  if (typeof value === 'string' && value !== '' && value.indexOf(' ') === -1 && value.indexOf('\t') === -1) {
    if (value.length === 6 && value.toLowerCase() === 'bearer') {
      throw new WorkOSAuthError('token_missing', 'no bearer token in the request');
    }
    return value;
  }
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new WorkOSAuthError('token_malformed', 'the authorization value is not a string');
  }
  const trimmed = (value ?? '').trim();
  if (trimmed === '' || /^bearer$/i.test(trimmed)) {
    throw new WorkOSAuthError('token_missing', 'no bearer token in the request');
  }
  const token = trimmed.replace(BEARER_PREFIX, '');
  if (/\s/.test(token)) {
    throw new WorkOSAuthError('token_malformed', 'the authorization value is not a single bearer token');
  }
  return token;
}

function decodeJsonObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  // Buffer's base64url decoder skips foreign characters, so the alphabet is checked first;
  // a length of 4n+1 cannot come from any byte string.
  if (!BASE64URL.test(segment) || !isCanonicalBase64url(segment)) {
    throw new WorkOSAuthError('token_malformed', `the token ${part} is not base64url`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new WorkOSAuthError('token_malformed', `the token ${part} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WorkOSAuthError('token_malformed', `the token ${part} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function isNumericDate(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A token whose header passed {@link inspectTokenHeader}; the payload is not decoded yet. */
export interface InspectedHeader {
  header: Record<string, unknown>;
  kid: string;
  alg: string;
  /** The payload and signature segments, for {@link inspectTokenPayload}. */
  payloadSegment: string;
  signatureSegment: string;
}

/**
 * Cheap structural checks before any cryptography or network: size, three segments, a JSON
 * object header with an allowed `alg`, a `kid`, and no `crit`.
 */
export function inspectTokenHeader(token: string, rules: TokenShapeRules, memo?: HeaderMemo): InspectedHeader {
  if (token.length > rules.maxTokenLength) {
    throw new WorkOSAuthError('token_too_large', `the token is longer than ${rules.maxTokenLength} characters`);
  }
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (first === -1 || second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new WorkOSAuthError('token_malformed', 'the token does not have three segments');
  }
  // The signature's alphabet is checked in inspectTokenPayload, only when a key-set fetch may
  // follow: scanning ~350 characters costs every valid request, and with the key at hand a bad
  // signature never gets past jose's decoder anyway.
  if (second === token.length - 1) {
    throw new WorkOSAuthError('token_malformed', 'the token signature is missing');
  }
  const payloadSegment = token.slice(first + 1, second);
  if (payloadSegment === '') {
    throw new WorkOSAuthError('token_malformed', 'the token payload is empty');
  }
  const signatureSegment = token.slice(second + 1);
  if (!isCanonicalBase64url(payloadSegment) || !isCanonicalBase64url(signatureSegment)) {
    throw new WorkOSAuthError('token_malformed', 'the token is not canonical base64url (unused bits set)');
  }
  const headerSegment = token.slice(0, first);
  const known = memo?.get(headerSegment);
  if (known !== undefined) return { ...known, payloadSegment, signatureSegment };
  const header = decodeJsonObject(headerSegment, 'header');

  const alg = header.alg;
  // Exact, case-sensitive match: `none`, `None`, `HS256` with an RSA key… never pass unless listed.
  if (typeof alg !== 'string' || !rules.algorithms.includes(alg)) {
    throw new WorkOSAuthError('alg_not_allowed', `the token algorithm ${JSON.stringify(String(alg)).slice(0, 40)} is not allowed`);
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '' || kid.length > rules.maxKidLength) {
    throw new WorkOSAuthError('kid_missing', 'the token header has no usable kid');
  }
  if (header.crit !== undefined) {
    throw new WorkOSAuthError('crit_unsupported', 'the token header lists critical extensions we do not support');
  }
  // b64:false would change what is signed; WorkOS never uses it.
  if (header.b64 !== undefined) {
    throw new WorkOSAuthError('token_malformed', 'the token header uses an unsupported b64 parameter');
  }
  memo?.set(headerSegment, { header, kid, alg });
  return { header, kid, alg, payloadSegment, signatureSegment };
}

/**
 * Headers that passed inspection, by their encoded form. WorkOS signs every token of one key with
 * the same header, so decoding it once per key saves JSON work on every request; only valid
 * headers are kept, and at most `limit` of them (an attacker varying headers only refills it).
 */
export class HeaderMemo {
  readonly #limit: number;
  readonly #known = new Map<string, Pick<InspectedHeader, 'header' | 'kid' | 'alg'>>();

  constructor(limit = 32) {
    this.#limit = limit;
  }

  get(segment: string): Pick<InspectedHeader, 'header' | 'kid' | 'alg'> | undefined {
    return this.#known.get(segment);
  }

  set(segment: string, value: Pick<InspectedHeader, 'header' | 'kid' | 'alg'>): void {
    if (this.#known.size >= this.#limit) this.#known.clear();
    this.#known.set(segment, value);
  }
}

/** Claim types we rely on: numeric `exp` (required), `iat` and `nbf`; a non-empty string `sub`. */
export function checkClaimTypes(payload: Record<string, unknown>): void {
  if (!isNumericDate(payload.exp)) {
    throw new WorkOSAuthError('claim_invalid', 'the token has no numeric exp claim');
  }
  if (payload.iat !== undefined && !isNumericDate(payload.iat)) {
    throw new WorkOSAuthError('claim_invalid', 'the token iat claim is not a number');
  }
  if (payload.nbf !== undefined && !isNumericDate(payload.nbf)) {
    throw new WorkOSAuthError('claim_invalid', 'the token nbf claim is not a number');
  }
  if (typeof payload.sub !== 'string' || payload.sub.trim() === '') {
    throw new WorkOSAuthError('claim_invalid', 'the token has no sub claim');
  }
}

/**
 * Decodes the payload of an inspected token, checks its claim types and the signature's alphabet:
 * what must hold before a token may cause any network traffic (no cryptography).
 */
export function inspectTokenPayload(inspected: InspectedHeader): Record<string, unknown> {
  if (!BASE64URL.test(inspected.signatureSegment)) {
    throw new WorkOSAuthError('token_malformed', 'the token signature is not base64url');
  }
  const payload = decodeJsonObject(inspected.payloadSegment, 'payload');
  checkClaimTypes(payload);
  return payload;
}
