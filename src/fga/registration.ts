import type { FGAResource, FGARoleAssignment } from '@mastra/core/auth/ee';
import type { AuthorizationResource } from '@workos-inc/node';
import type { WorkOSUser } from '../auth/user';
import { isUpstreamError } from '../shared/errors';
import type { WorkOSGateway } from '../shared/gateway';
import type { OncePerWindowLogger } from '../shared/log-once';
import { isNonEmptyString, isRecord, nonEmptyString } from '../shared/options';
import { WorkOSFGARequestError, WorkOSFGAUpstreamError } from './errors';
import { toFGAResource, toFGARoleAssignment } from './manager';
import { resolveMembership } from './membership';
import type { ResolvedFGASettings, ResolvedOwnership } from './options';
import type { FGAResourceTypeCatalog } from './resource-types';
import { mappingFor } from './resource-target';

/** Parameters of {@link MastraFGAWorkos.registerResource}. */
export interface RegisterResourceParams {
  /** The user creating the resource: its organization is used, and with `ownership` it becomes the owner. */
  user: WorkOSUser;
  /** Mastra resource type (`agent`, `thread`, ...), mapped through `resourceMapping`. */
  resourceType: string;
  /** Mastra resource id: the WorkOS resource's external id. */
  resourceId: string;
  /** Display name in WorkOS. */
  name: string;
  /** Parent to register under, by Mastra type (mapped through `resourceMapping`) and external id. */
  parentResource?: { type: string; id: string };
  /** Skip the owner role assignment even with `ownership.enabled`. */
  skipOwnership?: boolean;
}

/** What {@link MastraFGAWorkos.registerResource} did. */
export interface RegisterResourceResult {
  /** The created resource, or `null` when nothing was created (see `warnings`). */
  resource: FGAResource | null;
  /** The owner role assignment, or `null` when none was made (see `warnings`). */
  ownerAssignment: FGARoleAssignment | null;
  /** Why something was not done, in plain words. */
  warnings: string[];
}

export interface RegistrarDeps {
  api: WorkOSGateway;
  settings: ResolvedFGASettings;
  ownership: ResolvedOwnership | undefined;
  catalog: FGAResourceTypeCatalog;
  log: OncePerWindowLogger;
  /** Called after a resource or assignment was created (cached decisions and types are then stale). */
  onChange(organizationId: string): void;
}

function requireString(field: string, value: unknown): string {
  if (!isNonEmptyString(value)) throw new WorkOSFGARequestError(`registerResource: \`${field}\` must be a non-empty string.`);
  return value;
}

/**
 * Registers a Mastra resource in WorkOS for a user: maps its type, checks the type exists in the
 * organization, finds the parent, creates the resource and, with `ownership`, makes the user its
 * owner. Expected gaps (no organization, unknown type, missing parent, no owner relation) are
 * warnings in the result; WorkOS failures before the resource exists throw.
 */
export class FGAResourceRegistrar {
  readonly #deps: RegistrarDeps;

  constructor(deps: RegistrarDeps) {
    this.#deps = deps;
  }

  async register(params: RegisterResourceParams): Promise<RegisterResourceResult> {
    if (!isRecord(params)) throw new WorkOSFGARequestError('registerResource: parameters object required.');
    const user = params.user;
    if (!isRecord(user)) throw new WorkOSFGARequestError('registerResource: `user` is required.');
    const resourceType = requireString('resourceType', params.resourceType);
    const resourceId = requireString('resourceId', params.resourceId);
    const name = requireString('name', params.name);
    const parentInput = params.parentResource;
    if (parentInput !== undefined && (!isRecord(parentInput) || !isNonEmptyString(parentInput.type) || !isNonEmptyString(parentInput.id))) {
      throw new WorkOSFGARequestError('registerResource: `parentResource` must be `{ type, id }` with non-empty strings.');
    }

    const warnings: string[] = [];
    const warn = (reason: string, message: string, context: Record<string, unknown> = {}) => {
      warnings.push(message);
      this.#deps.log.log('warn', reason, `WorkOS FGA registerResource: ${message}`, context);
    };
    const nothing = (): RegisterResourceResult => ({ resource: null, ownerAssignment: null, warnings });

    const { settings } = this.#deps;
    const resourceTypeSlug = mappingFor(settings.resourceMapping, resourceType)?.fgaResourceType ?? resourceType;
    const organizationId = nonEmptyString(user.organizationId) ?? settings.organizationId;
    if (organizationId === undefined) {
      warn(
        'register_no_organization',
        'no organization: the user has no organizationId and MastraFGAWorkos has no `organizationId` option; nothing was created.',
      );
      return nothing();
    }

    const types = await this.#deps.catalog.describe(organizationId);
    const type = types.find((candidate) => candidate.slug === resourceTypeSlug);
    if (!type) {
      warn(
        'register_unknown_type',
        `resource type '${resourceTypeSlug}' is not defined in organization ${organizationId} (no role or resource of that type); ` +
          'define it in the WorkOS dashboard first. Nothing was created.',
        { resourceType: resourceTypeSlug, organizationId },
      );
      return nothing();
    }

    let parentResourceId: string | undefined;
    if (parentInput) {
      const parentTypeSlug = mappingFor(settings.resourceMapping, parentInput.type)?.fgaResourceType ?? parentInput.type;
      const parent = await this.#findByExternalId(organizationId, parentTypeSlug, parentInput.id);
      if (parent) parentResourceId = parent.id;
      else {
        warn(
          'register_parent_missing',
          `parent resource '${parentTypeSlug}' '${parentInput.id}' is not registered in organization ${organizationId}; ` +
            'the resource was created without a parent.',
          { resourceType: parentTypeSlug, organizationId },
        );
      }
    }

    const created = await this.#call('authorization.createResource', (workos) =>
      workos.authorization.createResource({
        externalId: resourceId,
        name,
        resourceTypeSlug,
        organizationId,
        ...(parentResourceId !== undefined && { parentResourceId }),
      }),
    );
    this.#deps.onChange(organizationId);
    const resource = toFGAResource(created);

    const ownership = this.#deps.ownership;
    if (!ownership || params.skipOwnership === true) return { resource, ownerAssignment: null, warnings };
    return { resource, ownerAssignment: await this.#assignOwner(user, organizationId, created, type.relations, ownership, warn), warnings };
  }

  async #assignOwner(
    user: WorkOSUser,
    organizationId: string,
    created: AuthorizationResource,
    relations: readonly string[],
    ownership: ResolvedOwnership,
    warn: (reason: string, message: string, context?: Record<string, unknown>) => void,
  ): Promise<FGARoleAssignment | null> {
    const context = { resourceType: created.resourceTypeSlug, organizationId };
    let roleSlug: string | undefined;
    if (relations.includes(ownership.ownerRole)) roleSlug = ownership.ownerRole;
    else {
      roleSlug = ownership.fallbackRoles.find((role) => relations.includes(role));
      if (roleSlug === undefined) {
        warn(
          'register_owner_unassigned',
          `resource type '${created.resourceTypeSlug}' has neither the owner role '${ownership.ownerRole}' nor a fallback role ` +
            `(${ownership.fallbackRoles.join(', ') || 'none configured'}); no owner was assigned.`,
          context,
        );
        return null;
      }
      warn(
        'register_owner_fallback',
        `resource type '${created.resourceTypeSlug}' has no '${ownership.ownerRole}' role; assigned the fallback role '${roleSlug}' instead.`,
        context,
      );
    }

    const membership = resolveMembership(user, organizationId);
    if (!membership) {
      warn(
        'register_owner_no_membership',
        `the user has no active membership in organization ${organizationId} (enable \`fetchMemberships\` on MastraAuthWorkos); ` +
          'no owner was assigned.',
        context,
      );
      return null;
    }
    const role = roleSlug;
    try {
      const assignment = await this.#deps.api.call('authorization.assignRole', (workos) =>
        workos.authorization.assignRole({ organizationMembershipId: membership.organizationMembershipId, roleSlug: role, resourceId: created.id }),
      );
      this.#deps.onChange(organizationId);
      return toFGARoleAssignment(assignment);
    } catch (error) {
      // The resource exists: report the missing owner rather than losing the created resource.
      const detail = isUpstreamError(error) ? `${error.kind}${error.status !== undefined ? ` ${error.status}` : ''}` : 'unexpected error';
      warn('register_owner_failed', `assigning the owner role '${role}' failed (${detail}); the resource has no owner yet.`, context);
      return null;
    }
  }

  async #findByExternalId(organizationId: string, resourceTypeSlug: string, externalId: string): Promise<AuthorizationResource | undefined> {
    try {
      return await this.#deps.api.call('authorization.getResourceByExternalId', (workos) =>
        workos.authorization.getResourceByExternalId({ organizationId, resourceTypeSlug, externalId }),
      );
    } catch (error) {
      if (isUpstreamError(error) && error.kind === 'not_found') return undefined;
      throw isUpstreamError(error) ? new WorkOSFGAUpstreamError('authorization.getResourceByExternalId', error) : error;
    }
  }

  async #call<T>(operation: string, run: (workos: WorkOSGateway['workos']) => Promise<T>): Promise<T> {
    try {
      return await this.#deps.api.call(operation, run);
    } catch (error) {
      throw isUpstreamError(error) ? new WorkOSFGAUpstreamError(operation, error) : error;
    }
  }
}
