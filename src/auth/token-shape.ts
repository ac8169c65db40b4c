import { WorkOSAuthError } from './errors';

/** A decoded (not yet verified) compact JWS. */
export interface InspectedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  kid: string;
  alg: string;
}

export interface TokenShapeRules {
  maxTokenLength: number;
  algorithms: readonly string[];
  maxKidLength: number;
}

const BEARER_PREFIX = /^bearer[ \t]+/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The token from what the server hands us: Mastra strips `Bearer ` already, but a direct caller may
 * pass the whole header value. The scheme is case-insensitive (RFC 7235); exactly one token must
 * follow, so anything with inner whitespace (another scheme, two tokens) is rejected.
 */
export function extractBearerToken(value: unknown): string {
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
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
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

/**
 * Cheap structural checks before any cryptography or network: size, three segments, JSON object
 * header and payload, an allowed `alg`, a `kid`, no `crit`, and the claims' types. A token that
 * fails here costs neither a signature check nor a key-set fetch.
 */
export function inspectToken(token: string, rules: TokenShapeRules): InspectedToken {
  if (token.length > rules.maxTokenLength) {
    throw new WorkOSAuthError('token_too_large', `the token is longer than ${rules.maxTokenLength} characters`);
  }
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (first === -1 || second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new WorkOSAuthError('token_malformed', 'the token does not have three segments');
  }
  const signature = token.slice(second + 1);
  if (signature === '' || !BASE64URL.test(signature)) {
    throw new WorkOSAuthError('token_malformed', 'the token signature is missing or not base64url');
  }
  const header = decodeJsonObject(token.slice(0, first), 'header');
  const payload = decodeJsonObject(token.slice(first + 1, second), 'payload');

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

  if (!isNumericDate(payload.exp)) {
    throw new WorkOSAuthError('claim_invalid', 'the token has no numeric exp claim');
  }
  for (const claim of ['iat', 'nbf'] as const) {
    if (payload[claim] !== undefined && !isNumericDate(payload[claim])) {
      throw new WorkOSAuthError('claim_invalid', `the token ${claim} claim is not a number`);
    }
  }
  if (typeof payload.sub !== 'string' || payload.sub.trim() === '') {
    throw new WorkOSAuthError('claim_invalid', 'the token has no sub claim');
  }
  return { header, payload, kid, alg };
}
