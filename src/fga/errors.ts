import { WorkOSMastraError, type WorkOSUpstreamError } from '../shared/errors';

/**
 * Typed FGA errors. Each has a stable `code` (for logs, metrics and tests) and the HTTP `status`
 * Mastra's server answers with when the error escapes a handler. Messages never carry user ids,
 * tokens or API keys.
 */
export type WorkOSFGAErrorCode =
  /** The WorkOS resource behind a check (or a manager call) does not exist. */
  | 'fga_resource_not_found'
  /** The user's organization membership could not be determined, so no check could run. */
  | 'fga_membership_unresolved'
  /** A manager method was called with missing or malformed parameters. */
  | 'fga_invalid_request'
  /** WorkOS refused or failed a manager call (other than 404). */
  | 'fga_upstream_error';

export class WorkOSFGAError extends WorkOSMastraError {
  declare readonly code: WorkOSFGAErrorCode;
  readonly status: number;

  constructor(code: WorkOSFGAErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WorkOSFGAError';
    this.status = status;
  }
}

/** Where a missing resource was looked for: by WorkOS id, or by type and external id. */
export interface MissingResource {
  resourceTypeSlug?: string;
  externalId?: string;
  resourceId?: string;
}

function describe(resource: MissingResource): string {
  if (resource.resourceId) return `WorkOS authorization resource '${resource.resourceId}'`;
  return `WorkOS authorization resource of type '${resource.resourceTypeSlug ?? '?'}' with external id '${resource.externalId ?? '?'}'`;
}

/**
 * Status 404: the resource is not registered in WorkOS. Thrown by `require()` when
 * `publicByDefault` is off, and by manager methods for unknown resources.
 */
export class WorkOSFGAResourceNotFoundError extends WorkOSFGAError {
  readonly resource: MissingResource;

  constructor(resource: MissingResource, options?: { cause?: unknown; forCheck?: boolean }) {
    const hint = options?.forCheck
      ? ' Register it with `createResource({ externalId, name, resourceTypeSlug, organizationId })` ' +
        '(or in the WorkOS dashboard), or set `publicByDefault: true` to allow unregistered resources.'
      : '';
    super('fga_resource_not_found', 404, `${describe(resource)} was not found.${hint}`, options);
    this.name = 'WorkOSFGAResourceNotFoundError';
    this.resource = resource;
  }
}

/**
 * Status 500: the user carries no usable organization membership, a server configuration problem
 * rather than a client one. Never includes the user's id.
 */
export class WorkOSFGAMembershipResolutionError extends WorkOSFGAError {
  constructor() {
    super(
      'fga_membership_unresolved',
      500,
      'FGA check impossible: the user has no WorkOS organization membership for the organization in use. ' +
        'Enable `fetchMemberships: true` on MastraAuthWorkos (or map an organization membership id claim with ' +
        '`jwtClaims.organizationMembershipId`), and set `organizationId` on MastraFGAWorkos when users belong to ' +
        'several organizations.',
    );
    this.name = 'WorkOSFGAMembershipResolutionError';
  }
}

/** Status 400: a manager method got parameters it cannot send to WorkOS. */
export class WorkOSFGARequestError extends WorkOSFGAError {
  constructor(message: string) {
    super('fga_invalid_request', 400, message);
    this.name = 'WorkOSFGARequestError';
  }
}

/**
 * WorkOS refused or failed a manager call. `status` is WorkOS's own 4xx (400, 404, 409, 422) when
 * the request was at fault, else 503. The cause (the SDK error) is kept for debugging.
 */
export class WorkOSFGAUpstreamError extends WorkOSFGAError {
  readonly operation: string;
  readonly upstreamStatus: number | undefined;
  readonly requestId: string | undefined;

  constructor(operation: string, upstream: WorkOSUpstreamError) {
    const upstreamStatus = upstream.status;
    const clientFault = upstreamStatus !== undefined && [400, 404, 409, 422].includes(upstreamStatus);
    // WorkOS's own explanation helps with a rejected request; it never echoes credentials.
    const explanation = clientFault && upstream.upstreamMessage ? `: ${upstream.upstreamMessage}` : '.';
    super(
      'fga_upstream_error',
      clientFault ? upstreamStatus : 503,
      `WorkOS ${operation} failed (${upstream.kind}${upstreamStatus !== undefined ? ` ${upstreamStatus}` : ''})${explanation}`,
      { cause: upstream.cause },
    );
    this.name = 'WorkOSFGAUpstreamError';
    this.operation = operation;
    this.upstreamStatus = upstreamStatus;
    this.requestId = upstream.requestId;
  }
}
