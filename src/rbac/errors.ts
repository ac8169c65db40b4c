import { WorkOSMastraError, WorkOSUpstreamError, type UpstreamFailure } from '../shared/errors';

/** Why roles could not be read from WorkOS. Stable strings: logs and tests key on them. */
export type RBACFailureCode =
  /** WorkOS failed (5xx, network error, timeout, 401/403 on our API key, 404, unexpected answer). */
  | 'upstream_unavailable'
  /** WorkOS answered 429; no calls until its `Retry-After` has passed. */
  | 'upstream_rate_limited';

/**
 * A failed role lookup. {@link MastraRBACWorkos} never lets it escape: it denies (no roles, no
 * permissions) and the gateway has logged the cause once per window.
 */
export class WorkOSRBACError extends WorkOSMastraError {
  declare readonly code: RBACFailureCode;
  /** What WorkOS answered (status, request id), when it answered at all; safe to log. */
  readonly failure: UpstreamFailure | undefined;

  constructor(code: RBACFailureCode, message: string, options?: { cause?: unknown; failure?: UpstreamFailure }) {
    super(code, message, options);
    this.name = 'WorkOSRBACError';
    this.failure = options?.failure;
  }
}

/** A gateway failure as a role-lookup failure. */
export function rbacErrorFromUpstream(error: unknown): WorkOSRBACError {
  if (error instanceof WorkOSRBACError) return error;
  const failure = error instanceof WorkOSUpstreamError ? error.failure : undefined;
  const code = failure?.kind === 'rate_limited' ? 'upstream_rate_limited' : 'upstream_unavailable';
  return new WorkOSRBACError(code, error instanceof Error ? error.message : 'WorkOS role lookup failed', { cause: error, failure });
}
