import type { UpstreamFailure } from '../shared/upstream';

/** Why roles could not be read from WorkOS. Stable strings: logs and tests key on them. */
export type RBACFailureCode =
  /** WorkOS failed (5xx, network error, timeout, 401/403 on our API key, 404, unexpected answer). */
  | 'upstream_unavailable'
  /** WorkOS answered 429; no calls until its `Retry-After` has passed. */
  | 'upstream_rate_limited';

/**
 * A failed role lookup. {@link MastraRBACWorkos} never lets it escape: it denies (no roles, no
 * permissions) and logs the code once per window.
 */
export class WorkOSRBACError extends Error {
  readonly code: RBACFailureCode;
  /** What WorkOS answered (status, request id), when it answered at all; safe to log. */
  readonly failure: UpstreamFailure | undefined;

  constructor(code: RBACFailureCode, message: string, options?: { cause?: unknown; failure?: UpstreamFailure }) {
    super(message, options);
    this.name = 'WorkOSRBACError';
    this.code = code;
    this.failure = options?.failure;
  }
}
