import type { AuthorizationResource } from '@workos-inc/node';
import type { Clock } from '../shared/clock';
import { isUpstreamError } from '../shared/errors';
import { WORKOS_PAGE_SIZE as PAGE_SIZE, type WorkOSGateway } from '../shared/gateway';
import { isNonEmptyString } from '../shared/options';
import { ReadThroughCache } from '../shared/read-through-cache';
import { WorkOSFGARequestError, WorkOSFGAUpstreamError } from './errors';

/** One WorkOS resource type of an organization, as {@link MastraFGAWorkos.describeResourceTypes} reports it. */
export interface FGAResourceTypeDescription {
  /** The WorkOS resource type slug (`agent`, `team`, `organization`, ...). */
  slug: string;
  /** Slugs of the roles defined on this type (environment and organization roles). */
  relations: string[];
  /** The subset of {@link relations} that are custom roles of the organization. */
  customRelations: string[];
  /** Types of the parents this type's resources are registered under. */
  parentResourceTypeSlugs: string[];
  /** Whether the organization has at least one resource of this type. */
  hasInstances: boolean;
}

/** How long an organization's description is served from cache. */
export const RESOURCE_TYPES_TTL_MS = 60_000;
/** Organizations whose description is kept at once. */
const RESOURCE_TYPES_CACHE_SIZE = 1_000;

interface TypeBuilder {
  relations: Set<string>;
  customRelations: Set<string>;
  parents: Set<string>;
  hasInstances: boolean;
}

export interface ResourceTypeCatalogDeps {
  api: WorkOSGateway;
  clock: Clock;
  onTruncated(operation: string): void;
}

/**
 * The resource types of an organization, derived from what WorkOS has: its roles (a role's
 * resource type is a type, its slug a relation; custom organization roles are also custom
 * relations) and its resources (a type with instances; a parent's type is a parent type). Cached
 * per organization for 60 s in the shared read-through cache; failures are not cached.
 */
export class FGAResourceTypeCatalog {
  readonly #deps: ResourceTypeCatalogDeps;
  readonly #cache: ReadThroughCache<string, readonly FGAResourceTypeDescription[]>;

  constructor(deps: ResourceTypeCatalogDeps) {
    this.#deps = deps;
    this.#cache = new ReadThroughCache({ maxSize: RESOURCE_TYPES_CACHE_SIZE, ttlMs: RESOURCE_TYPES_TTL_MS }, deps.clock);
  }

  async describe(organizationId: string): Promise<FGAResourceTypeDescription[]> {
    if (!isNonEmptyString(organizationId)) {
      throw new WorkOSFGARequestError('describeResourceTypes: `organizationId` must be a non-empty string.');
    }
    const types = await this.#cache.load(organizationId, () => this.#load(organizationId));
    // Callers get their own copy: the cached answer stays as WorkOS gave it.
    return types.map((type) => ({
      ...type,
      relations: [...type.relations],
      customRelations: [...type.customRelations],
      parentResourceTypeSlugs: [...type.parentResourceTypeSlugs],
    }));
  }

  /** Forget an organization's description (after resources were created or deleted), or all of them. */
  invalidate(organizationId?: string): void {
    if (organizationId === undefined) this.#cache.clear();
    else this.#cache.invalidate(organizationId);
  }

  async #load(organizationId: string): Promise<FGAResourceTypeDescription[]> {
    const types = new Map<string, TypeBuilder>();
    const typeOf = (slug: string): TypeBuilder => {
      let type = types.get(slug);
      if (!type) {
        type = { relations: new Set(), customRelations: new Set(), parents: new Set(), hasInstances: false };
        types.set(slug, type);
      }
      return type;
    };

    const roles = await this.#call('authorization.listOrganizationRoles', (workos) =>
      workos.authorization.listOrganizationRoles(organizationId),
    );
    for (const role of roles.data ?? []) {
      if (!isNonEmptyString(role?.resourceTypeSlug) || !isNonEmptyString(role.slug)) continue;
      const type = typeOf(role.resourceTypeSlug);
      type.relations.add(role.slug);
      if (role.type === 'OrganizationRole') type.customRelations.add(role.slug);
    }

    let resources: AuthorizationResource[];
    try {
      const listed = await this.#deps.api.listAll('authorization.listResources', (workos, after) =>
        workos.authorization.listResources({ organizationId, limit: PAGE_SIZE, ...(after && { after }) }),
      );
      if (!listed.complete) this.#deps.onTruncated('listResources');
      resources = listed.items;
    } catch (error) {
      throw translate(error, 'authorization.listResources');
    }
    const byId = new Map(resources.map((resource) => [resource.id, resource]));
    for (const resource of resources) {
      const type = typeOf(resource.resourceTypeSlug);
      type.hasInstances = true;
      const parent = resource.parentResourceId ? byId.get(resource.parentResourceId) : undefined;
      if (parent) type.parents.add(parent.resourceTypeSlug);
    }

    return [...types].map(([slug, type]) => ({
      slug,
      relations: [...type.relations],
      customRelations: [...type.customRelations],
      parentResourceTypeSlugs: [...type.parents],
      hasInstances: type.hasInstances,
    }));
  }

  async #call<T>(operation: string, run: (workos: WorkOSGateway['workos']) => Promise<T>): Promise<T> {
    try {
      return await this.#deps.api.call(operation, run);
    } catch (error) {
      throw translate(error, operation);
    }
  }
}

function translate(error: unknown, operation: string): Error {
  if (isUpstreamError(error)) return new WorkOSFGAUpstreamError(operation, error);
  return error instanceof Error ? error : new Error(String(error));
}
