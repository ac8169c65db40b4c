/**
 * The package's error family. Every error this package throws extends {@link WorkOSMastraError},
 * so a caller can catch "any error from @mastra/auth-workos" with one `instanceof`; each carries a
 * stable string `code` that logs, metrics and tests key on. Component errors (`WorkOSAuthError`,
 * `WorkOSRBACError`, `WorkOSFGAError`, ...) live with their component and extend this base.
 */
export class WorkOSMastraError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkOSMastraError';
    this.code = code;
  }
}

export function isWorkOSMastraError(error: unknown): error is WorkOSMastraError {
  return error instanceof WorkOSMastraError;
}

/**
 * Thrown at construction when an option is missing or invalid. The message always names the
 * option and, where one exists, the environment variable that can provide it.
 */
export class WorkOSConfigError extends WorkOSMastraError {
  declare readonly code: 'config_invalid';
  /** The option at fault, as the user would write it (for example `apiKey` or `cache.ttlMs`). */
  readonly option: string;

  constructor(option: string, message: string) {
    super('config_invalid', message);
    this.name = 'WorkOSConfigError';
    this.option = option;
  }
}

/** How a WorkOS call failed, by HTTP status (never by SDK class: apps may load another SDK copy). */
export type UpstreamFailureKind =
  | 'not_found'
  | 'rate_limited'
  | 'unauthorized'
  /** Another 4xx: WorkOS refused this request (bad input, conflict, an OAuth `invalid_grant`): an answer, not an outage. */
  | 'rejected'
  | 'timeout'
  | 'unavailable';

/** What WorkOS answered, safe to log: no request data, no credentials. */
export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  status?: number;
  /** Seconds, from `Retry-After` on a 429. */
  retryAfterSec?: number;
  /** WorkOS request id. */
  requestId?: string;
}

/**
 * A failed WorkOS API call, classified by the gateway. Components turn it into their own code in
 * one line (see `upstreamCodeOf`). `code` is `upstream_<kind>`.
 */
export class WorkOSUpstreamError extends WorkOSMastraError implements UpstreamFailure {
  readonly operation: string;
  readonly kind: UpstreamFailureKind;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSec: number | undefined;
  /** WorkOS's own explanation of a 4xx (never contains credentials), else `undefined`. */
  readonly upstreamMessage: string | undefined;

  constructor(operation: string, failure: UpstreamFailure, options?: { cause?: unknown; upstreamMessage?: string }) {
    super(
      `upstream_${failure.kind}`,
      `WorkOS ${operation} failed (${failure.kind}${failure.status !== undefined ? ` ${failure.status}` : ''})`,
      options,
    );
    this.name = 'WorkOSUpstreamError';
    this.operation = operation;
    this.kind = failure.kind;
    this.status = failure.status;
    this.requestId = failure.requestId;
    this.retryAfterSec = failure.retryAfterSec;
    this.upstreamMessage = options?.upstreamMessage;
  }

  /** The failure fields alone (for logs and error details). */
  get failure(): UpstreamFailure {
    return {
      kind: this.kind,
      ...(this.status !== undefined && { status: this.status }),
      ...(this.requestId !== undefined && { requestId: this.requestId }),
      ...(this.retryAfterSec !== undefined && { retryAfterSec: this.retryAfterSec }),
    };
  }
}

export function isUpstreamError(error: unknown): error is WorkOSUpstreamError {
  return error instanceof WorkOSUpstreamError;
}
