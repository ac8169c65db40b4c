import type { WorkOS } from '@workos-inc/node';
import type { Clock } from './clock';
import { WorkOSUpstreamError, type UpstreamFailure } from './errors';
import type { OncePerWindowLogger } from './log-once';

/**
 * The one way this package calls WorkOS. Every call is counted, bounded by a deadline, refused
 * while a 429's `Retry-After` runs, classified into a {@link WorkOSUpstreamError} and logged once
 * per window with one shape (a 404 not at all and another 4xx at debug: answers, not trouble):
 * `{ component, operation, kind, status?, requestId?, retryAfterSec? }`.
 */
export interface GatewaySettings {
  /** Who is calling, for the log line (`MastraAuthWorkos`, `MastraRBACWorkos`, ...). */
  component: string;
  requestTimeoutMs: number;
  clock: Clock;
  /** Where failures are logged; without it the gateway only throws. */
  log?: OncePerWindowLogger;
  /** Most pages one `listAll` reads unless the call says otherwise (a bound against runaway cursors). Default 10. */
  maxListPages?: number;
}

/** One page of a WorkOS list, as the SDK returns it. */
export interface ListPage<T> {
  data: T[];
  listMetadata?: { after?: string | null } | null;
}

/** WorkOS's largest page. */
export const WORKOS_PAGE_SIZE = 100;

/**
 * A 429 pauses every component that talks to the same WorkOS client: the rate limit is the
 * environment's, not one caller's.
 */
const gatesByClient = new WeakMap<object, RetryAfterGate>();

export class WorkOSGateway {
  readonly workos: WorkOS;
  readonly #settings: GatewaySettings;
  readonly #gate: RetryAfterGate;
  readonly #callsByOperation = new Map<string, number>();
  #calls = 0;

  constructor(workos: WorkOS, settings: GatewaySettings) {
    this.workos = workos;
    this.#settings = settings;
    let gate = gatesByClient.get(workos);
    if (gate === undefined) {
      gate = new RetryAfterGate(settings.clock);
      gatesByClient.set(workos, gate);
    }
    this.#gate = gate;
  }

  /** WorkOS calls made through this gateway. */
  get calls(): number {
    return this.#calls;
  }

  /** Calls per operation name (for stats and tests). */
  callsOf(operation: string): number {
    return this.#callsByOperation.get(operation) ?? 0;
  }

  async call<T>(operation: string, run: (workos: WorkOS) => Promise<T>): Promise<T> {
    const blockedForMs = this.#gate.blockedForMs();
    if (blockedForMs > 0) {
      throw new WorkOSUpstreamError(operation, { kind: 'rate_limited', retryAfterSec: Math.ceil(blockedForMs / 1000) });
    }
    this.#calls += 1;
    this.#callsByOperation.set(operation, (this.#callsByOperation.get(operation) ?? 0) + 1);
    try {
      return await withDeadline(run(this.workos), this.#settings.requestTimeoutMs);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (failure.kind === 'rate_limited') this.#gate.block(failure.retryAfterSec);
      if (failure.kind !== 'not_found') this.#logFailure(operation, failure);
      const upstreamMessage = upstreamMessageOf(error, failure);
      throw new WorkOSUpstreamError(operation, failure, { cause: error, ...(upstreamMessage && { upstreamMessage }) });
    }
  }

  /**
   * Every item of a WorkOS list, following cursors up to `maxPages` pages (the SDK's own
   * auto-pagination sleeps between pages and has no bound). `complete` is false when the bound
   * was reached first; callers treat the missing rest as unknown.
   */
  async listAll<T>(
    operation: string,
    fetchPage: (workos: WorkOS, after: string | undefined) => Promise<ListPage<T>>,
    maxPages: number = this.#settings.maxListPages ?? 10,
  ): Promise<{ items: T[]; complete: boolean }> {
    const items: T[] = [];
    let after: string | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const result = await this.call(operation, async (workos) => {
        const answer = await fetchPage(workos, after);
        if (!Array.isArray(answer?.data)) throw new TypeError(`${operation} returned no data list`);
        return answer;
      });
      items.push(...result.data);
      after = result.listMetadata?.after ?? undefined;
      if (!after) return { items, complete: true };
    }
    return { items, complete: false };
  }

  #logFailure(operation: string, failure: UpstreamFailure): void {
    // A refusal (4xx) is WorkOS answering, not WorkOS in trouble: debug, not warn.
    const level = failure.kind === 'rejected' ? 'debug' : 'warn';
    this.#settings.log?.log(level, `upstream_${failure.kind}`, `WorkOS ${operation} failed`, {
      component: this.#settings.component,
      operation,
      ...failure,
    });
  }
}

/** Classifies a failed SDK call by HTTP `status` (never by class identity). */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof DeadlineExceededError) return { kind: 'timeout' };
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
  if (status !== undefined && status >= 400 && status < 500) return { kind: 'rejected', ...base };
  return { kind: 'unavailable', ...base };
}

function upstreamMessageOf(error: unknown, failure: UpstreamFailure): string | undefined {
  if (failure.status === undefined || failure.status < 400 || failure.status >= 500) return undefined;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.length <= 500 ? message : undefined;
}

class DeadlineExceededError extends Error {
  constructor(ms: number) {
    super(`WorkOS did not answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Resolves like `promise`, or rejects after `ms`. A real timer on purpose: it bounds a real
 * network wait, which an injected clock cannot advance.
 */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(ms)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Remembers a 429's `Retry-After` so that, until then, callers fail fast instead of adding load
 * to a rate-limited WorkOS environment. Absent header → 1 s; capped at 60 s so a bad header
 * cannot lock us out.
 */
class RetryAfterGate {
  readonly #clock: Clock;
  #blockedUntil = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  blockedForMs(): number {
    return Math.max(0, this.#blockedUntil - this.#clock.now());
  }

  block(retryAfterSec: number | undefined): void {
    const ms = Math.min(60_000, Math.max(0, (retryAfterSec ?? 1) * 1000));
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#clock.now() + ms);
  }
}
