import type { WorkOS } from '@workos-inc/node';
import { classifyUpstreamError, RetryAfterGate, withDeadline, type UpstreamFailure } from '../shared/upstream';

/** A failed WorkOS Authorization API call, classified; carries no request data. */
export class AuthorizationApiError extends Error {
  readonly operation: string;
  readonly failure: UpstreamFailure;
  /** WorkOS's explanation (for 4xx answers); never contains credentials. */
  readonly upstreamMessage: string | undefined;

  constructor(operation: string, failure: UpstreamFailure, options?: { cause?: unknown; upstreamMessage?: string }) {
    super(`WorkOS ${operation} failed (${failure.kind}${failure.status !== undefined ? ` ${failure.status}` : ''})`, options);
    this.name = 'AuthorizationApiError';
    this.operation = operation;
    this.failure = failure;
    this.upstreamMessage = options?.upstreamMessage;
  }

  get notFound(): boolean {
    return this.failure.kind === 'not_found';
  }
}

/** One page of a WorkOS list, as the SDK returns it. */
export interface ListPage<T> {
  data: T[];
  listMetadata: { after?: string | null };
}

/** WorkOS's largest page. */
export const PAGE_SIZE = 100;

export interface AuthorizationApiSettings {
  requestTimeoutMs: number;
  /** Most pages one listing may read (a bound against runaway cursors). */
  maxPages: number;
  /** Called once per failed call other than a 404 (a 404 is an answer, not trouble). */
  onFailure(operation: string, failure: UpstreamFailure): void;
}

function upstreamMessageOf(error: unknown, failure: UpstreamFailure): string | undefined {
  if (failure.status === undefined || failure.status < 400 || failure.status >= 500) return undefined;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.length <= 500 ? message : undefined;
}

/**
 * The WorkOS client's Authorization API as FGA uses it: every call counted, bounded by a deadline
 * and classified; no calls at all while a 429's `Retry-After` runs; lists read page by page up to
 * a bound (the SDK's own auto-pagination sleeps between pages and has no bound).
 */
export class AuthorizationApi {
  readonly workos: WorkOS;
  readonly #settings: AuthorizationApiSettings;
  readonly #gate = new RetryAfterGate();
  #calls = 0;

  constructor(workos: WorkOS, settings: AuthorizationApiSettings) {
    this.workos = workos;
    this.#settings = settings;
  }

  /** WorkOS calls made so far. */
  get calls(): number {
    return this.#calls;
  }

  async call<T>(operation: string, run: (workos: WorkOS) => Promise<T>): Promise<T> {
    if (this.#gate.blocked) {
      throw new AuthorizationApiError(operation, { kind: 'rate_limited' });
    }
    this.#calls += 1;
    try {
      return await withDeadline(run(this.workos), this.#settings.requestTimeoutMs);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (failure.kind === 'rate_limited') this.#gate.block(failure.retryAfterSec);
      if (failure.kind !== 'not_found') this.#settings.onFailure(operation, failure);
      const upstreamMessage = upstreamMessageOf(error, failure);
      throw new AuthorizationApiError(operation, failure, { cause: error, ...(upstreamMessage && { upstreamMessage }) });
    }
  }

  /**
   * Every item of a list, following cursors. `complete` is false when `maxPages` was reached
   * first; callers treat the missing rest as unknown (deny).
   */
  async listAll<T>(operation: string, fetchPage: (workos: WorkOS, after: string | undefined) => Promise<ListPage<T>>): Promise<{ items: T[]; complete: boolean }> {
    const items: T[] = [];
    let after: string | undefined;
    for (let page = 0; page < this.#settings.maxPages; page += 1) {
      const result = await this.call(operation, (workos) => fetchPage(workos, after));
      items.push(...result.data);
      after = result.listMetadata.after ?? undefined;
      if (!after) return { items, complete: true };
    }
    return { items, complete: false };
  }
}
