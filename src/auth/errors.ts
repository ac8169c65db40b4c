import { WorkOSMastraError, WorkOSUpstreamError } from '../shared/errors';

/**
 * Why a request was not authenticated. Stable strings: logs, metrics and tests key on them.
 */
export type AuthFailureCode =
  /** No token in the request (no header, empty value, or another scheme). */
  | 'token_missing'
  /** Over `maxTokenLength` bytes; rejected before parsing. */
  | 'token_too_large'
  /** Not three base64url segments, or the header/payload is not a JSON object. */
  | 'token_malformed'
  /** `alg` missing or not in the allow-list (`none` never is). */
  | 'alg_not_allowed'
  /** No usable `kid` in the header. */
  | 'kid_missing'
  /** `crit` names an extension we do not understand. */
  | 'crit_unsupported'
  /** No key in the WorkOS key set has this `kid` (after at most one refetch per cooldown). */
  | 'key_not_found'
  /** The signature does not verify with the key named by `kid`. */
  | 'signature_invalid'
  /** The key set could not be fetched and no usable stale copy exists. */
  | 'jwks_unavailable'
  /** `exp` is in the past (beyond `clockTolerance`). */
  | 'token_expired'
  /** `nbf` or `iat` is in the future (beyond `clockTolerance`). */
  | 'token_not_yet_valid'
  /** `iss` is not in the allow-list. */
  | 'issuer_mismatch'
  /** `aud` does not contain the configured audience. */
  | 'audience_mismatch'
  /** A required claim is missing or has the wrong type (`exp`, `sub`, numeric times). */
  | 'claim_invalid'
  /** WorkOS does not know the token's subject. */
  | 'user_not_found'
  /** WorkOS answered 429; we back off until `Retry-After`. */
  | 'upstream_rate_limited'
  /** WorkOS failed (5xx, network error, timeout, unexpected answer). */
  | 'upstream_unavailable'
  /** A user-supplied hook (`mapJwtPayloadToUser`, `mapUserToResourceId`) threw. */
  | 'hook_failed';

/** An authentication failure with a stable `code`; never carries the token itself. */
export class WorkOSAuthError extends WorkOSMastraError {
  declare readonly code: AuthFailureCode;

  constructor(code: AuthFailureCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WorkOSAuthError';
  }
}

/** A gateway failure as an authentication failure: 404 → `user_not_found`, 429 → rate limited. */
export function authErrorFromUpstream(error: unknown): WorkOSAuthError {
  if (error instanceof WorkOSAuthError) return error;
  if (error instanceof WorkOSUpstreamError) {
    const code = error.kind === 'not_found' ? 'user_not_found' : error.kind === 'rate_limited' ? 'upstream_rate_limited' : 'upstream_unavailable';
    return new WorkOSAuthError(code, error.message, { cause: error });
  }
  return new WorkOSAuthError('upstream_unavailable', 'WorkOS answered unexpectedly', { cause: error });
}

export function isWorkOSAuthError(error: unknown): error is WorkOSAuthError {
  return error instanceof WorkOSAuthError;
}
