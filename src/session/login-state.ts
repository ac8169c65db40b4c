/**
 * The OAuth `state` check and PKCE, synchronous (Mastra calls `getLoginUrl` and `getLoginCookies`
 * without awaiting): a short-lived `wos_auth_state` cookie carries `{ stateId, redirectUri, iat }`
 * signed with HMAC-SHA256 under a key derived from the cookie password. The PKCE verifier is not
 * stored anywhere: it is `HMAC(key, 'pkce' | stateId)`, recomputed at the callback, so it stays
 * secret (only the server holds the key) and is bound to the login attempt.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock';

interface StatePayload {
  /** The part of Mastra's `state` before the first `|`. */
  s: string;
  /** Callback URL the login was started with. */
  r: string;
  /** Issued at, ms. */
  t: number;
}

export class LoginStateSigner {
  readonly #key: Buffer;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(password: string, clock: Clock, ttlSec: number) {
    this.#key = createHmac('sha256', password).update('mastra-auth-workos/login-state/v1').digest();
    this.#clock = clock;
    this.#ttlMs = ttlSec * 1000;
  }

  /** The PKCE pair for a login attempt (same inputs → same pair). */
  pkce(stateId: string): { codeVerifier: string; codeChallenge: string } {
    const codeVerifier = createHmac('sha256', this.#key).update(`pkce|${stateId}`).digest('base64url');
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    return { codeVerifier, codeChallenge };
  }

  /** The signed cookie value for a login attempt. */
  sign(stateId: string, redirectUri: string): string {
    const payload: StatePayload = { s: stateId, r: redirectUri, t: this.#clock.now() };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** Whether `cookieValue` is a live state cookie for `stateId` (constant-time comparisons). */
  verify(cookieValue: string | null, stateId: string): boolean {
    if (!cookieValue || cookieValue.length > 4096 || !stateId) return false;
    const dot = cookieValue.indexOf('.');
    if (dot <= 0) return false;
    const body = cookieValue.slice(0, dot);
    if (!equal(cookieValue.slice(dot + 1), this.#mac(body))) return false;
    let payload: Partial<StatePayload>;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<StatePayload>;
    } catch {
      return false;
    }
    if (typeof payload.s !== 'string' || typeof payload.t !== 'number') return false;
    const age = this.#clock.now() - payload.t;
    if (age < -60_000 || age > this.#ttlMs) return false;
    return equal(payload.s, stateId);
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

/** Mastra's `state` is `<uuid>|<encoded redirect>`; the callback hands over only the part before `|`. */
export function stateIdOf(state: string): string {
  const bar = state.indexOf('|');
  return bar === -1 ? state : state.slice(0, bar);
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
