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
 * - **Fleet** (with a {@link RefreshShare}): after the local single-flight, the store's fill lock
 *   for the refresh token's hash makes one instance of the fleet send the grant; it stores the
 *   new cookie for the grace window as a sealed grace entry (old refresh-token hash → new cookie,
 *   sealed again with the cookie password: never a usable cookie or a token in the store). The
 *   other instances poll (bounded by the store's `lockWaitMs`) and hand out that same cookie. A
 *   holder that never fills (it died): the waiter refreshes locally, logged (the token may be
 *   spent already). Store trouble: the local behaviour, never a failed request because of it.
 */
import { hash } from 'node:crypto';
import type { AuthenticationResponse } from '@workos-inc/node';
import type { Clock } from '../shared/clock';
import { LruTtlCache } from '../shared/lru-cache';
import { SingleFlight } from '../shared/single-flight';
import type { SharedStore, StoreFillLock, StoreHit, StoreRead } from '../shared/store';
import { sealData, unsealData } from './seal';
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

/** What the fleet tier reports (safe to log: no value, no token). */
export type RefreshShareEvent =
  /** A store command failed: this refresh went on locally. */
  | 'store_unavailable'
  /** Another instance held the refresh lock past `lockWaitMs` without storing a result: refreshed locally. */
  | 'lock_wait_expired'
  /** A grace entry could not be used (another cookie password, or the new session would not verify). */
  | 'grace_unusable';

/** The fleet tier of the refresher: one grant per refresh token across every instance sharing `store`. */
export interface RefreshShare<R> {
  store: SharedStore;
  /** `<clientId>:session:refresh`. */
  namespace: string;
  /** The cookie password: grace entries are sealed with it. */
  password: string;
  /** The new cookie of a result: what a grace entry carries. */
  cookieOf(result: R): string;
  /** The result for a cookie another instance stored (open, verify, user); throws when unusable. */
  fromCookie(cookie: string): Promise<R>;
  /** Called for store trouble and fallbacks (log them; the refresh goes on). */
  onEvent?(event: RefreshShareEvent, error?: unknown): void;
}

/** What a grace entry holds once unsealed: the new cookie, or "this refresh token is dead". */
interface GraceEnvelope {
  /** Marks our envelopes, so that a seal of anything else is never taken for one. */
  k: 'mastra-auth-workos/refresh-grace';
  cookie?: string;
  dead?: true;
}

/** Poll delays while another instance holds the refresh lock (ms): quick first, then steady. */
const WAIT_STEPS_MS = [2, 4, 8, 16, 25];

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
  /** With a shared store: the fleet-wide lock and grace entries. */
  share?: RefreshShare<R>;
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

  /**
   * A refresh already done for this session's refresh token (within the grace window): this
   * instance's, else (with a store) the fleet's. Never sends a grant.
   */
  async recent(data: SessionData): Promise<R | undefined> {
    const key = keyOf(data.refreshToken);
    const local = this.#grace.get(key);
    if (local !== undefined) return local.result;
    const share = this.#deps.share;
    if (!share || !share.store.available) return undefined;
    let read: StoreRead;
    try {
      read = await share.store.readOrLock(share.namespace, key, key);
    } catch (error) {
      share.onEvent?.('store_unavailable', error);
      return undefined;
    }
    if (read.kind === 'locked') {
      // Nothing stored and no refresh running: give the lock back at once.
      share.store.release(read).catch((error: unknown) => share.onEvent?.('store_unavailable', error));
      return undefined;
    }
    if (read.kind === 'busy') return undefined;
    return (await this.#adopt(share, key, read)).result;
  }

  /** The new session for `data`, through the grace cache and one shared grant per refresh token. */
  refresh(data: SessionData): Promise<RefreshOutcome<R>> {
    const key = keyOf(data.refreshToken);
    const remembered = this.#grace.get(key);
    if (remembered !== undefined) return Promise.resolve(remembered);
    return this.#flights.run(key, async () => {
      const again = this.#grace.get(key);
      if (again !== undefined) return again;
      const share = this.#deps.share;
      return share && share.store.available ? this.#refreshShared(share, key, data) : this.#refreshLocal(key, data);
    });
  }

  /** Forgets what is remembered for a session (logout), here and, with a store, in the fleet. */
  async forget(data: SessionData): Promise<void> {
    const key = keyOf(data.refreshToken);
    this.#grace.delete(key);
    const share = this.#deps.share;
    if (share) await share.store.invalidate(share.namespace, key);
  }

  #remember(key: string, outcome: RefreshOutcome<R>, ttlMs?: number): void {
    if (outcome.result !== undefined || outcome.failure === 'invalid_grant') this.#grace.set(key, outcome, ttlMs);
  }

  async #refreshLocal(key: string, data: SessionData): Promise<RefreshOutcome<R>> {
    const outcome = await this.#grantWithRetry(data);
    this.#remember(key, outcome);
    return outcome;
  }

  /**
   * The fleet path: the grace entry if another instance refreshed already; else the lock (then
   * this instance grants and stores the result); else poll until the entry is there or the lock
   * is free again, for at most the store's `lockWaitMs`. The wait is bounded by the sum of the
   * pauses asked for (no clock read): the pauses themselves are real timers, as they pace a
   * network store.
   */
  async #refreshShared(share: RefreshShare<R>, key: string, data: SessionData): Promise<RefreshOutcome<R>> {
    const { store } = share;
    let waitedMs = 0;
    for (let attempt = 0; ; attempt += 1) {
      let read: StoreRead;
      try {
        read = await store.readOrLock(share.namespace, key, key);
      } catch (error) {
        share.onEvent?.('store_unavailable', error);
        return this.#refreshLocal(key, data);
      }
      if (read.kind === 'hit') return this.#adopt(share, key, read);
      if (read.kind === 'locked') return this.#grantAndShare(share, key, data, read);
      if (!store.available) {
        share.onEvent?.('store_unavailable');
        return this.#refreshLocal(key, data);
      }
      if (waitedMs >= store.lockWaitMs) {
        share.onEvent?.('lock_wait_expired');
        return this.#refreshLocal(key, data);
      }
      const step = Math.min(WAIT_STEPS_MS[Math.min(attempt, WAIT_STEPS_MS.length - 1)]!, store.lockWaitMs - waitedMs);
      await sleep(step);
      waitedMs += step;
    }
  }

  /** This instance holds the lock: one grant, then the grace entry for the fleet (or the lock back). */
  async #grantAndShare(share: RefreshShare<R>, key: string, data: SessionData, lock: StoreFillLock): Promise<RefreshOutcome<R>> {
    const giveBack = (): void => {
      share.store.release(lock).catch((error: unknown) => share.onEvent?.('store_unavailable', error));
    };
    let outcome: RefreshOutcome<R>;
    try {
      outcome = await this.#grantWithRetry(data);
    } catch (error) {
      giveBack();
      throw error;
    }
    this.#remember(key, outcome);
    if (outcome.result === undefined && outcome.failure !== 'invalid_grant') {
      giveBack(); // not remembered: the next instance may try at once
      return outcome;
    }
    try {
      const envelope: GraceEnvelope =
        outcome.result !== undefined ? { k: 'mastra-auth-workos/refresh-grace', cookie: share.cookieOf(outcome.result) } : { k: 'mastra-auth-workos/refresh-grace', dead: true };
      await share.store.fill(lock, await sealData(envelope, share.password), this.#settings.graceMs);
    } catch (error) {
      share.onEvent?.('store_unavailable', error);
    }
    return outcome;
  }

  /**
   * Another instance's outcome. When it cannot be used, this request fails ('unavailable', not
   * remembered) rather than spend the refresh token a second time.
   */
  async #adopt(share: RefreshShare<R>, key: string, hit: StoreHit): Promise<RefreshOutcome<R>> {
    let outcome: RefreshOutcome<R>;
    try {
      const envelope = (await unsealData(hit.value, share.password)) as Partial<GraceEnvelope> | undefined;
      if (envelope?.k !== 'mastra-auth-workos/refresh-grace') throw new TypeError('not a grace entry');
      if (envelope.dead === true) outcome = { failure: 'invalid_grant' };
      else if (typeof envelope.cookie === 'string') outcome = { result: await share.fromCookie(envelope.cookie) };
      else throw new TypeError('not a grace entry');
    } catch (error) {
      share.onEvent?.('grace_unusable', error);
      return { failure: 'unavailable' };
    }
    this.#remember(key, outcome, Math.min(this.#settings.graceMs, hit.ttlMs));
    return outcome;
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
