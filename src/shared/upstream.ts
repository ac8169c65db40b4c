/**
 * Classifies failures of WorkOS SDK calls by HTTP `status` (never by class identity: users may
 * load a second copy of the SDK) and bounds every call by a deadline.
 */
export type UpstreamFailureKind = 'not_found' | 'rate_limited' | 'unauthorized' | 'timeout' | 'unavailable';

export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  status?: number;
  /** Seconds, from `Retry-After` on a 429. */
  retryAfterSec?: number;
  /** WorkOS request id, safe to log. */
  requestId?: string;
}

export class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`WorkOS did not answer within ${ms} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof UpstreamTimeoutError) return { kind: 'timeout' };
  const record = (error ?? {}) as {
    status?: unknown;
    retryAfter?: unknown;
    requestID?: unknown;
    name?: unknown;
    response?: { status?: unknown };
  };
  const rawStatus = record.status ?? record.response?.status;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const requestId = typeof record.requestID === 'string' && record.requestID ? record.requestID : undefined;
  const base = { ...(status !== undefined && { status }), ...(requestId && { requestId }) };
  if (status === 404) return { kind: 'not_found', ...base };
  if (status === 429) {
    const retryAfter = Number(record.retryAfter);
    return { kind: 'rate_limited', ...base, ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterSec: retryAfter }) };
  }
  if (status === 401 || status === 403) return { kind: 'unauthorized', ...base };
  // The SDK reports its own request timeout as a 408.
  if (status === 408 || record.name === 'TimeoutError' || record.name === 'AbortError') return { kind: 'timeout', ...base };
  return { kind: 'unavailable', ...base };
}

/** Resolves like `promise`, or rejects with {@link UpstreamTimeoutError} after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamTimeoutError(ms)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Remembers a 429's `Retry-After` so that, until then, callers fail fast instead of adding load
 * to a rate-limited WorkOS environment.
 */
export class RetryAfterGate {
  #blockedUntil = 0;

  get blocked(): boolean {
    return Date.now() < this.#blockedUntil;
  }

  get blockedForMs(): number {
    return Math.max(0, this.#blockedUntil - Date.now());
  }

  /** `retryAfterSec` absent → a 1 s pause; capped at 60 s so a bad header cannot lock us out. */
  block(retryAfterSec: number | undefined): void {
    const ms = Math.min(60_000, Math.max(0, (retryAfterSec ?? 1) * 1000));
    this.#blockedUntil = Math.max(this.#blockedUntil, Date.now() + ms);
  }
}
