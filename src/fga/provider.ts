import {
  FGADeniedError,
  type FGACheckParams,
  type FGACreateResourceParams,
  type FGADeleteResourceParams,
  type FGAListResourcesOptions,
  type FGAListRoleAssignmentsOptions,
  type FGAResource,
  type FGARoleAssignment,
  type FGARoleParams,
  type FGARouteResolver,
  type FGAUpdateResourceParams,
  type IFGAManager,
  type MastraFGAPermissionInput,
} from '@mastra/core/auth/ee';
import { MastraBase } from '@mastra/core/base';
import type { WorkOS } from '@workos-inc/node';
import { OncePerWindowLogger } from '../shared/log-once';
import type { WorkOSUser } from '../auth/user';
import { WorkOSConfigError, WorkOSUpstreamError } from '../shared/errors';
import { WorkOSGateway } from '../shared/gateway';
import { FGAChecker, type FGADecision, type FGADenyReason } from './checker';
import { WorkOSFGAMembershipResolutionError, WorkOSFGAResourceNotFoundError, WorkOSFGAUpstreamError } from './errors';
import { FGAResourceManager } from './manager';
import { resolveFGASettings, type MastraFGAWorkosOptions, type ResolvedFGASettings, type ResolvedOwnership } from './options';
import { FGAResourceRegistrar, type RegisterResourceParams, type RegisterResourceResult } from './registration';
import { FGAResourceTypeCatalog, type FGAResourceTypeDescription } from './resource-types';
import { mappingFor } from './resource-target';

/** Most pages one listing reads (100 items each): a bound, not a limit anyone should reach. */
const MAX_LIST_PAGES = 100;

/** Human-readable denial reasons for `FGADeniedError` (no user ids, no WorkOS details). */
const DENY_MESSAGES: Record<Exclude<FGADenyReason, 'membership_unresolved'>, string> = {
  invalid_request: 'invalid authorization request',
  resource_unresolved: 'the resource could not be mapped to a WorkOS resource',
  permission_denied: 'permission not granted',
  resource_not_registered: 'resource not registered',
  membership_not_found: 'organization membership not found or inactive',
  upstream_unavailable: 'authorization service unavailable',
};

/** Counters for tests, the benchmark and health checks. */
export interface MastraFGAWorkosStats {
  /** WorkOS API calls made by this instance (checks, listings, manager calls). */
  workosApiCalls: number;
}

/**
 * Mastra fine-grained authorization backed by the WorkOS Authorization API. Pass it as
 * `server.fga` next to `server.auth: new MastraAuthWorkos({ fetchMemberships: true })`.
 *
 * Checks run for the user's organization membership; anything WorkOS does not confirm is denied
 * (its failures included), and `publicByDefault` opens only resources WorkOS does not know, for a
 * confirmed active membership.
 */
export class MastraFGAWorkos extends MastraBase implements IFGAManager<WorkOSUser> {
  readonly requireForProtectedRoutes?: boolean;
  readonly auditProtectedRoutes?: boolean | 'warn' | 'error';
  readonly resolveRouteFGA?: FGARouteResolver;
  readonly validatePermissions?: (permissions: MastraFGAPermissionInput[]) => Promise<void>;
  /** Whether resources WorkOS does not know are allowed (for a confirmed, active membership). */
  readonly publicByDefault: boolean;
  /** The resolved `ownership` option when enabled (`{ enabled, ownerRole, fallbackRoles }`), else `undefined`. */
  readonly ownership: ResolvedOwnership | undefined;

  readonly #settings: ResolvedFGASettings;
  readonly #api: WorkOSGateway;
  readonly #checker: FGAChecker;
  readonly #manager: FGAResourceManager;
  readonly #catalog: FGAResourceTypeCatalog;
  readonly #registrar: FGAResourceRegistrar;
  readonly #log: OncePerWindowLogger;

  constructor(options: MastraFGAWorkosOptions = {}) {
    const settings = resolveFGASettings(options);
    super({ component: 'AUTH', name: 'MastraFGAWorkos' });
    if (options.logger) this.__setLogger(options.logger);
    this.#settings = settings;
    this.#log = new OncePerWindowLogger(() => this.logger, { clock: settings.clock });
    this.#api = new WorkOSGateway(settings.connection.workos, {
      component: 'MastraFGAWorkos',
      requestTimeoutMs: settings.requestTimeoutMs,
      clock: settings.clock,
      log: this.#log,
      maxListPages: MAX_LIST_PAGES,
    });
    this.#checker = new FGAChecker({ api: this.#api, settings, log: this.#log });
    const onTruncated = (operation: string) =>
      this.#log.log('warn', 'list_truncated', `WorkOS ${operation} returned more pages than allowed; the list is incomplete`, {});
    this.#catalog = new FGAResourceTypeCatalog({ api: this.#api, clock: settings.clock, onTruncated });
    this.#manager = new FGAResourceManager({
      api: this.#api,
      organizationId: settings.organizationId,
      onChange: () => {
        this.#checker.invalidate();
        this.#catalog.invalidate(); // whether a type has instances may have changed
      },
      onTruncated,
    });
    this.publicByDefault = settings.publicByDefault;
    this.ownership = settings.ownership;
    this.#registrar = new FGAResourceRegistrar({
      api: this.#api,
      settings,
      ownership: settings.ownership,
      catalog: this.#catalog,
      log: this.#log,
      onChange: (organizationId) => {
        this.#checker.invalidate();
        this.#catalog.invalidate(organizationId);
      },
    });

    // Mastra reads these as properties of the provider; leave them unset when not configured.
    if (options.requireForProtectedRoutes !== undefined) this.requireForProtectedRoutes = options.requireForProtectedRoutes;
    if (options.auditProtectedRoutes !== undefined) this.auditProtectedRoutes = options.auditProtectedRoutes;
    if (options.resolveRouteFGA) this.resolveRouteFGA = options.resolveRouteFGA;
    const validate = options.validatePermissions;
    if (typeof validate === 'function') this.validatePermissions = async (permissions) => validate(permissions);
    else if (validate === true) this.validatePermissions = async (permissions) => this.#requireMapped(permissions);
  }

  /** Whether the user holds the permission (any of a list) on the resource. Never throws. */
  async check(user: WorkOSUser, params: FGACheckParams): Promise<boolean> {
    return (await this.decide(user, params)).allowed;
  }

  /** Like {@link check}, with the reason: for logging, debugging and tests. Never throws. */
  async decide(user: WorkOSUser, params: FGACheckParams): Promise<FGADecision> {
    try {
      return await this.#checker.decide(user, params);
    } catch (error) {
      // A bug or an unexpected SDK answer: still deny, but say so loudly.
      this.#log.log('error', 'unexpected', 'WorkOS FGA check failed unexpectedly; denying', {
        error: error instanceof Error ? error.name : typeof error,
      });
      return { allowed: false, reason: 'upstream_unavailable' };
    }
  }

  /**
   * Throws unless allowed: Mastra's `FGADeniedError` (403), {@link WorkOSFGAResourceNotFoundError}
   * (404, unregistered resource with `publicByDefault` off),
   * {@link WorkOSFGAMembershipResolutionError} (500, no membership to check) or
   * {@link WorkOSFGAUpstreamError} (503: WorkOS failed, timed out or rate-limited us — not a denial).
   */
  async require(user: WorkOSUser, params: FGACheckParams): Promise<void> {
    const decision = await this.decide(user, params);
    if (decision.allowed) return;
    if (decision.reason === 'membership_unresolved') throw new WorkOSFGAMembershipResolutionError(user);
    // An outage is not a denial: Mastra answers with this error's 503 instead of a 403.
    if (decision.reason === 'upstream_unavailable') {
      throw new WorkOSFGAUpstreamError('authorization.check', new WorkOSUpstreamError('authorization.check', { kind: 'unavailable' }));
    }
    const resource = this.#describeResource(params);
    if (decision.reason === 'resource_not_registered') {
      const mapping = mappingFor(this.#settings.resourceMapping, resource.type);
      throw new WorkOSFGAResourceNotFoundError(
        { resourceTypeSlug: mapping?.fgaResourceType ?? resource.type, externalId: resource.id },
        { forCheck: true },
      );
    }
    throw new FGADeniedError(user, resource, params?.permission ?? [], DENY_MESSAGES[decision.reason]);
  }

  /** The resources the user may access with `permission`; fails closed. Never throws. */
  async filterAccessible<T extends { id: string }>(
    user: WorkOSUser,
    resources: T[],
    resourceType: string,
    permission: MastraFGAPermissionInput,
  ): Promise<T[]> {
    try {
      return await this.#checker.filter(user, resources, resourceType, permission);
    } catch (error) {
      this.#log.log('error', 'unexpected', 'WorkOS FGA filtering failed unexpectedly; returning nothing', {
        error: error instanceof Error ? error.name : typeof error,
      });
      return [];
    }
  }

  createResource(params: FGACreateResourceParams): Promise<FGAResource> {
    return this.#manager.createResource(params);
  }

  getResource(resourceId: string): Promise<FGAResource> {
    return this.#manager.getResource(resourceId);
  }

  listResources(options?: FGAListResourcesOptions): Promise<FGAResource[]> {
    return this.#manager.listResources(options);
  }

  updateResource(params: FGAUpdateResourceParams): Promise<FGAResource> {
    return this.#manager.updateResource(params);
  }

  deleteResource(params: FGADeleteResourceParams): Promise<void> {
    return this.#manager.deleteResource(params);
  }

  assignRole(params: FGARoleParams): Promise<FGARoleAssignment> {
    return this.#manager.assignRole(params);
  }

  removeRole(params: FGARoleParams): Promise<void> {
    return this.#manager.removeRole(params);
  }

  listRoleAssignments(options: FGAListRoleAssignmentsOptions): Promise<FGARoleAssignment[]> {
    return this.#manager.listRoleAssignments(options);
  }

  /**
   * The WorkOS resource types of an organization, derived from its roles and resources (every
   * page). Cached per organization for 60 s. Throws {@link WorkOSFGAUpstreamError} when WorkOS fails.
   */
  describeResourceTypes(organizationId: string): Promise<FGAResourceTypeDescription[]> {
    return this.#catalog.describe(organizationId);
  }

  /** Whether {@link describeResourceTypes} of the organization lists `resourceTypeSlug`. */
  async hasResourceType(organizationId: string, resourceTypeSlug: string): Promise<boolean> {
    return (await this.describeResourceTypes(organizationId)).some((type) => type.slug === resourceTypeSlug);
  }

  /**
   * Registers a Mastra resource in WorkOS for `user` (external id = `resourceId`), under
   * `parentResource` when it is registered, and with `ownership` enabled makes the user its owner.
   * What could not be done is listed in `warnings` (and logged); WorkOS failures before the
   * resource exists throw {@link WorkOSFGAUpstreamError}.
   */
  registerResource(params: RegisterResourceParams): Promise<RegisterResourceResult> {
    return this.#registrar.register(params);
  }

  /**
   * Drop cached check results and resource type descriptions, e.g. after a change made elsewhere;
   * with a `store`, check results in every instance (settles when the store has it; never rejects).
   */
  invalidateCache(): Promise<void> {
    this.#catalog.invalidate();
    return this.#checker.invalidate();
  }

  /** The WorkOS client this provider uses. */
  getWorkOS(): WorkOS {
    return this.#api.workos;
  }

  getStats(): MastraFGAWorkosStats {
    return { workosApiCalls: this.#api.calls };
  }

  #describeResource(params: FGACheckParams): { type: string; id: string } {
    const resource = (params as Partial<FGACheckParams> | null | undefined)?.resource;
    return {
      type: typeof resource?.type === 'string' ? resource.type : 'unknown',
      id: typeof resource?.id === 'string' ? resource.id : 'unknown',
    };
  }

  #requireMapped(permissions: MastraFGAPermissionInput[]): void {
    const unmapped = permissions.filter((permission) => !Object.hasOwn(this.#settings.permissionMapping, permission));
    if (unmapped.length > 0) {
      throw new WorkOSConfigError(
        'permissionMapping',
        `MastraFGAWorkos: validatePermissions is on and ${unmapped.length} permission(s) Mastra may check have no ` +
          `\`permissionMapping\` entry: ${unmapped.join(', ')}.`,
      );
    }
  }
}
