/**
 * The refresh grant, done once per session at a time.
 *
 * - **Single-flight**: concurrent refreshes of one cookie share one grant, keyed by the SHA-256 of
 *   the refresh token (WorkOS refresh tokens are single-use: a second grant would fail).
 * - **Rotation grace**: the outcome is kept for 60 s under the *old* refresh token's hash, so a
 *   request still carrying the old cookie (parallel requests, a tab that missed the `Set-Cookie`)
 *   gets the same new cookie instead of `invalid_grant`. A dead token (`invalid_grant`) is
 *   remembered as dead for the same time; other failures are not remembered.
 * - **Bounded retries**: network errors, timeouts, 429 and 5xx are retried once; nothing else.
 */
import { hash } from 'node:crypto';
import type { AuthenticationResponse } from '@workos-inc/node';
import type { Clock } from '../shared/clock';
import { LruTtlCache } from '../shared/lru-cache';
import { SingleFlight } from '../shared/single-flight';
import { unverifiedClaims, type SessionData } from './session-data';

export interface RefreshSettings {
  /** How long a finished refresh answers for the old refresh token. Default 60 s. */
  graceMs: number;
  /** Most remembered outcomes. Default 10 000. */
  graceMaxEntries: number;
  /** Attempts per refresh (1 = no retry). Default 2. */
  maxAttempts: number;
  /** Longest pause before a retry after a 429, ms. Default 1000 (a longer Retry-After is not waited for). */
  maxRetryDelayMs: number;
}

export const DEFAULT_REFRESH_SETTINGS: RefreshSettings = { graceMs: 60_000, graceMaxEntries: 10_000, maxAttempts: 2, maxRetryDelayMs: 1_000 };

/** Why a refresh gave no session (safe to log). */
export type RefreshFailure = 'invalid_grant' | 'rejected' | 'unavailable';

export interface RefreshOutcome<R> {
  result?: R;
  failure?: RefreshFailure;
}

export interface RefresherDeps<R> {
  clock: Clock;
  /** The grant itself (through the gateway): `authenticateWithRefreshToken`. */
  grant(refreshToken: string, organizationId: string | undefined): Promise<AuthenticationResponse>;
  /** Turns the grant's answer into the caller's result (seal, verify, map the user). */
  complete(response: AuthenticationResponse, previous: SessionData): Promise<R>;
  /** Called once per failed grant attempt. */
  onFailure?(failure: RefreshFailure, detail: { status?: number; error?: string; attempt: number }): void;
  /** Pauses before a retry; injectable so tests need not wait. */
  sleep?(ms: number): Promise<void>;
}

export class SessionRefresher<R> {
  readonly #deps: RefresherDeps<R>;
  readonly #settings: RefreshSettings;
  readonly #flights = new SingleFlight<string, RefreshOutcome<R>>();
  readonly #grace: LruTtlCache<string, RefreshOutcome<R>>;
  #grants = 0;

  constructor(deps: RefresherDeps<R>, settings: Partial<RefreshSettings> = {}) {
    this.#deps = deps;
    this.#settings = { ...DEFAULT_REFRESH_SETTINGS, ...settings };
    this.#grace = new LruTtlCache({ maxSize: this.#settings.graceMaxEntries, ttlMs: this.#settings.graceMs, now: () => deps.clock.now() });
  }

  /** Refresh grants sent to WorkOS (retries included). */
  get grants(): number {
    return this.#grants;
  }

  /** A refresh already done for this session's refresh token (within the grace window). */
  recent(data: SessionData): R | undefined {
    return this.#grace.get(keyOf(data.refreshToken))?.result;
  }

  /** The new session for `data`, through the grace cache and one shared grant per refresh token. */
  refresh(data: SessionData): Promise<RefreshOutcome<R>> {
    const key = keyOf(data.refreshToken);
    const remembered = this.#grace.get(key);
    if (remembered !== undefined) return Promise.resolve(remembered);
    return this.#flights.run(key, async () => {
      const again = this.#grace.get(key);
      if (again !== undefined) return again;
      const outcome = await this.#grantWithRetry(data);
      if (outcome.result !== undefined || outcome.failure === 'invalid_grant') this.#grace.set(key, outcome);
      return outcome;
    });
  }

  /** Forgets what is remembered for a session (logout). */
  forget(data: SessionData): void {
    this.#grace.delete(keyOf(data.refreshToken));
  }

  async #grantWithRetry(data: SessionData): Promise<RefreshOutcome<R>> {
    // Keep the organization: WorkOS may drop it on a refresh without organization_id.
    const claims = unverifiedClaims(data.accessToken);
    const organizationId = data.organizationId ?? (typeof claims.org_id === 'string' ? claims.org_id : undefined);
    for (let attempt = 1; ; attempt += 1) {
      let response: AuthenticationResponse;
      try {
        this.#grants += 1;
        response = await this.#deps.grant(data.refreshToken, organizationId);
      } catch (error) {
        const { failure, retryable, delayMs, status, code } = classify(error);
        this.#deps.onFailure?.(failure, { ...(status !== undefined && { status }), ...(code !== undefined && { error: code }), attempt });
        if (!retryable || attempt >= this.#settings.maxAttempts || delayMs > this.#settings.maxRetryDelayMs) return { failure };
        if (delayMs > 0) await (this.#deps.sleep ?? sleep)(delayMs);
        continue;
      }
      return { result: await this.#deps.complete(response, { ...data, ...(organizationId !== undefined && { organizationId }) }) };
    }
  }
}

export function keyOf(refreshToken: string): string {
  return hash('sha256', refreshToken, 'base64url');
}

/**
 * By status, kind and OAuth `error` (never by class: apps may load another SDK copy). Errors come
 * wrapped by the gateway (`WorkOSUpstreamError`: `kind`, `status`, `retryAfterSec`, the SDK's
 * error as `cause`) or raw from the SDK.
 */
function classify(error: unknown): { failure: RefreshFailure; retryable: boolean; delayMs: number; status?: number; code?: string } {
  type Fields = { status?: unknown; error?: unknown; kind?: unknown; retryAfter?: unknown; retryAfterSec?: unknown; cause?: unknown };
  const record = (error ?? {}) as Fields;
  const cause = (record.cause ?? {}) as Fields;
  const rawStatus = record.status ?? cause.status;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const rawCode = typeof record.error === 'string' ? record.error : cause.error;
  const code = typeof rawCode === 'string' && /^[a-z_]{1,40}$/.test(rawCode) ? rawCode : undefined;
  const withStatus = { ...(status !== undefined && { status }), ...(code !== undefined && { code }) };
  if (code === 'invalid_grant') return { failure: 'invalid_grant', retryable: false, delayMs: 0, ...withStatus };
  if (status === 429 || record.kind === 'rate_limited') {
    const retryAfter = Number(record.retryAfterSec ?? record.retryAfter ?? cause.retryAfter);
    const delayMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250;
    return { failure: 'unavailable', retryable: true, delayMs, ...withStatus };
  }
  if (status === undefined || status === 408 || status >= 500) return { failure: 'unavailable', retryable: true, delayMs: 0, ...withStatus };
  return { failure: 'rejected', retryable: false, delayMs: 0, ...withStatus };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
