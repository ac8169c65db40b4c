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

/** Options of {@link WorkOSFGAResourceNotFoundError}. */
export interface ResourceNotFoundOptions {
  cause?: unknown;
  /** Add how to register the resource (or open unregistered ones). Default: on for the upstream-style constructor. */
  forCheck?: boolean;
}

/**
 * Status 404: the resource is not registered in WorkOS. Thrown by `require()` when
 * `publicByDefault` is off, and by manager methods for unknown resources.
 *
 * Constructed like upstream's (`new WorkOSFGAResourceNotFoundError(resourceType, resourceId)`), or
 * from a {@link MissingResource}. `status` is typed as the literal `404`.
 */
export class WorkOSFGAResourceNotFoundError extends WorkOSFGAError {
  declare readonly status: 404;
  /** The WorkOS resource type slug looked for (`'unknown'` when looked up by WorkOS id alone). */
  readonly resourceType: string;
  /** The external id looked for, else the WorkOS resource id. */
  readonly resourceId: string;
  /** Where the resource was looked for, in WorkOS terms. */
  readonly resource: MissingResource;

  constructor(resourceType: string, resourceId: string, options?: ResourceNotFoundOptions);
  constructor(resource: MissingResource, options?: ResourceNotFoundOptions);
  constructor(first: string | MissingResource, second?: string | ResourceNotFoundOptions, third?: ResourceNotFoundOptions) {
    const upstreamStyle = typeof first === 'string' || first === null || first === undefined;
    const resource: MissingResource = upstreamStyle
      ? { resourceTypeSlug: String(first ?? 'unknown'), externalId: typeof second === 'string' ? second : 'unknown' }
      : first;
    const options = (upstreamStyle ? third : typeof second === 'object' ? second : undefined) ?? {};
    const hint =
      (options.forCheck ?? upstreamStyle)
        ? ' Register it with `registerResource({ user, resourceType, resourceId, name })` or ' +
          '`createResource({ externalId, name, resourceTypeSlug, organizationId })` (or in the WorkOS dashboard), ' +
          'or set `publicByDefault: true` to allow unregistered resources.'
        : '';
    super('fga_resource_not_found', 404, `${describe(resource)} is not registered in WorkOS (not found).${hint}`, options);
    this.name = 'WorkOSFGAResourceNotFoundError';
    this.resource = resource;
    this.resourceType = resource.resourceTypeSlug ?? 'unknown';
    this.resourceId = resource.externalId ?? resource.resourceId ?? 'unknown';
  }
}

/**
 * Status 500: the user carries no usable organization membership, a server configuration problem
 * rather than a client one. Never includes the user's id: `userId` is always `'<redacted>'`.
 */
export class WorkOSFGAMembershipResolutionError extends WorkOSFGAError {
  declare readonly status: 500;
  /** Always `'<redacted>'`: the user's id never leaves in an error. */
  readonly userId = '<redacted>' as const;

  /** `user` is accepted for upstream compatibility and never read. */
  constructor(_user?: unknown) {
    super(
      'fga_membership_unresolved',
      500,
      'FGA check impossible: the user has no WorkOS organization membership for the organization in use. ' +
        'Enable `fetchMemberships: true` on MastraAuthWorkos (or set `organizationMembershipId` on the user, for example by ' +
        'mapping a claim with `jwtClaims.organizationMembershipId`), and set `organizationId` on MastraFGAWorkos when users ' +
        'belong to several organizations.',
    );
    this.name = 'WorkOSFGAMembershipResolutionError';
  }
}

/** Status 400: a manager method got parameters it cannot send to WorkOS. */
export class WorkOSFGARequestError extends WorkOSFGAError {
  declare readonly status: 400;

  constructor(message: string) {
    super('fga_invalid_request', 400, message);
    this.name = 'WorkOSFGARequestError';
  }
}

/**
 * WorkOS refused or failed a call. `status` is WorkOS's own 4xx (400, 404, 409, 422) when the
 * request was at fault, else 503 — also what `require()` throws when a check could not be made
 * (an outage is not a denial). The cause (the SDK error) is kept for debugging.
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
