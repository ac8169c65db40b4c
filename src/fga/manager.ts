import type {
  FGACreateResourceParams,
  FGADeleteResourceParams,
  FGAListResourcesOptions,
  FGAListRoleAssignmentsOptions,
  FGAResource,
  FGARoleAssignment,
  FGARoleParams,
  FGAUpdateResourceParams,
} from '@mastra/core/auth/ee';
import type { AuthorizationResource, RoleAssignment } from '@workos-inc/node';
import { isUpstreamError } from '../shared/errors';
import { isNonEmptyString } from '../shared/options';
import { WORKOS_PAGE_SIZE as PAGE_SIZE, type ListPage, type WorkOSGateway } from '../shared/gateway';
import {
  WorkOSFGARequestError,
  WorkOSFGAResourceNotFoundError,
  WorkOSFGAUpstreamError,
  type MissingResource,
} from './errors';

/** WorkOS resource → Mastra's `FGAResource`. */
export function toFGAResource(resource: AuthorizationResource): FGAResource {
  return {
    id: resource.id,
    externalId: resource.externalId,
    name: resource.name,
    description: resource.description ?? null,
    resourceTypeSlug: resource.resourceTypeSlug,
    organizationId: resource.organizationId,
    parentResourceId: resource.parentResourceId ?? null,
  };
}

/** WorkOS role assignment → Mastra's `FGARoleAssignment`. */
export function toFGARoleAssignment(assignment: RoleAssignment): FGARoleAssignment {
  return {
    id: assignment.id,
    role: { slug: assignment.role.slug },
    resource: {
      id: assignment.resource.id,
      externalId: assignment.resource.externalId,
      resourceTypeSlug: assignment.resource.resourceTypeSlug,
    },
  };
}

function requireString(method: string, field: string, value: unknown): string {
  if (!isNonEmptyString(value)) throw new WorkOSFGARequestError(`${method}: \`${field}\` must be a non-empty string.`);
  return value;
}

function optionalString(method: string, field: string, value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : requireString(method, field, value);
}

function optionalDescription(method: string, value: unknown): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new WorkOSFGARequestError(`${method}: \`description\` must be a string or null.`);
}

function pageLimit(method: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > PAGE_SIZE) {
    throw new WorkOSFGARequestError(`${method}: \`limit\` must be a whole number from 1 to ${PAGE_SIZE}.`);
  }
  return value;
}

function requireParams(method: string, params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null) throw new WorkOSFGARequestError(`${method}: parameters object required.`);
  return params as Record<string, unknown>;
}

/** A resource named by WorkOS id, or by external id and type (both required together). */
function resourceRef(
  method: string,
  params: Record<string, unknown>,
  keys: { id: string; externalId: string; typeSlug: string },
): { resourceId: string } | { resourceExternalId: string; resourceTypeSlug: string } {
  const resourceId = optionalString(method, keys.id, params[keys.id]);
  if (resourceId !== undefined) return { resourceId };
  const externalId = optionalString(method, keys.externalId, params[keys.externalId]);
  const typeSlug = optionalString(method, keys.typeSlug, params[keys.typeSlug]);
  if (externalId === undefined || typeSlug === undefined) {
    throw new WorkOSFGARequestError(`${method}: give \`${keys.id}\`, or \`${keys.externalId}\` with \`${keys.typeSlug}\`.`);
  }
  return { resourceExternalId: externalId, resourceTypeSlug: typeSlug };
}

export interface ManagerDeps {
  api: WorkOSGateway;
  organizationId: string | undefined;
  /** Called after any change to resources or role assignments (cached decisions are then stale; with a store, everywhere). */
  onChange(): void | Promise<void>;
  onTruncated(operation: string): void;
}

/**
 * Management of WorkOS authorization resources and role assignments, in Mastra's shapes.
 * Bad input throws {@link WorkOSFGARequestError} before any call; a missing resource throws
 * {@link WorkOSFGAResourceNotFoundError}; other WorkOS failures {@link WorkOSFGAUpstreamError}.
 */
export class FGAResourceManager {
  readonly #api: WorkOSGateway;
  readonly #deps: ManagerDeps;

  constructor(deps: ManagerDeps) {
    this.#api = deps.api;
    this.#deps = deps;
  }

  async createResource(params: FGACreateResourceParams): Promise<FGAResource> {
    const method = 'createResource';
    const input = requireParams(method, params);
    const base = {
      externalId: requireString(method, 'externalId', input.externalId),
      name: requireString(method, 'name', input.name),
      resourceTypeSlug: requireString(method, 'resourceTypeSlug', input.resourceTypeSlug),
      organizationId: requireString(method, 'organizationId', input.organizationId ?? this.#deps.organizationId),
    };
    const description = optionalDescription(method, input.description);
    const parentResourceId = optionalString(method, 'parentResourceId', input.parentResourceId);
    const parentExternalId = optionalString(method, 'parentResourceExternalId', input.parentResourceExternalId);
    const parentTypeSlug = optionalString(method, 'parentResourceTypeSlug', input.parentResourceTypeSlug);
    if ((parentExternalId === undefined) !== (parentTypeSlug === undefined)) {
      throw new WorkOSFGARequestError(`${method}: \`parentResourceExternalId\` and \`parentResourceTypeSlug\` go together.`);
    }
    const parent =
      parentResourceId !== undefined
        ? { parentResourceId }
        : parentExternalId !== undefined && parentTypeSlug !== undefined
          ? { parentResourceExternalId: parentExternalId, parentResourceTypeSlug: parentTypeSlug }
          : {};
    const created = await this.#run('authorization.createResource', undefined, (workos) =>
      workos.authorization.createResource({ ...base, ...(description !== undefined && { description }), ...parent }),
    );
    await this.#deps.onChange();
    return toFGAResource(created);
  }

  async getResource(resourceId: string): Promise<FGAResource> {
    const id = requireString('getResource', 'resourceId', resourceId);
    return toFGAResource(await this.#run('authorization.getResource', { resourceId: id }, (workos) => workos.authorization.getResource(id)));
  }

  /** One page when `limit` is given; otherwise every page (bounded). `search` filters name and external id locally. */
  async listResources(options: FGAListResourcesOptions = {}): Promise<FGAResource[]> {
    const method = 'listResources';
    const input = requireParams(method, options);
    const limit = pageLimit(method, input.limit);
    const after = optionalString(method, 'after', input.after);
    const search = optionalString(method, 'search', input.search)?.toLowerCase();
    const organizationId = optionalString(method, 'organizationId', input.organizationId) ?? this.#deps.organizationId;
    const filter = {
      ...(organizationId !== undefined && { organizationId }),
      ...(input.resourceTypeSlug !== undefined && { resourceTypeSlug: requireString(method, 'resourceTypeSlug', input.resourceTypeSlug) }),
      ...(input.parentResourceId !== undefined && { parentResourceId: requireString(method, 'parentResourceId', input.parentResourceId) }),
    };
    const resources = await this.#list('authorization.listResources', limit, after, (workos, cursor, pageSize) =>
      workos.authorization.listResources({ ...filter, limit: pageSize, ...(cursor && { after: cursor }) }),
    );
    const matching = search
      ? resources.filter((r) => r.name.toLowerCase().includes(search) || r.externalId.toLowerCase().includes(search))
      : resources;
    return matching.map(toFGAResource);
  }

  async updateResource(params: FGAUpdateResourceParams): Promise<FGAResource> {
    const method = 'updateResource';
    const input = requireParams(method, params);
    const resourceId = requireString(method, 'resourceId', input.resourceId);
    const name = optionalString(method, 'name', input.name);
    const description = optionalDescription(method, input.description);
    const updated = await this.#run('authorization.updateResource', { resourceId }, (workos) =>
      workos.authorization.updateResource({
        resourceId,
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
      }),
    );
    await this.#deps.onChange();
    return toFGAResource(updated);
  }

  /** By WorkOS id, or by external id + type in `organizationId` (default: the configured organization). */
  async deleteResource(params: FGADeleteResourceParams): Promise<void> {
    const method = 'deleteResource';
    const input = requireParams(method, params);
    const resourceId = optionalString(method, 'resourceId', input.resourceId);
    if (resourceId !== undefined) {
      await this.#run('authorization.deleteResource', { resourceId }, (workos) => workos.authorization.deleteResource({ resourceId }));
    } else {
      const externalId = requireString(method, 'externalId (or resourceId)', input.externalId);
      const resourceTypeSlug = requireString(method, 'resourceTypeSlug', input.resourceTypeSlug);
      const organizationId = requireString(method, 'organizationId', input.organizationId ?? this.#deps.organizationId);
      await this.#run('authorization.deleteResourceByExternalId', { resourceTypeSlug, externalId }, (workos) =>
        workos.authorization.deleteResourceByExternalId({ organizationId, resourceTypeSlug, externalId }),
      );
    }
    await this.#deps.onChange();
  }

  async assignRole(params: FGARoleParams): Promise<FGARoleAssignment> {
    const role = roleTarget('assignRole', params);
    const assignment = await this.#run('authorization.assignRole', undefined, (workos) => workos.authorization.assignRole(role));
    await this.#deps.onChange();
    return toFGARoleAssignment(assignment);
  }

  async removeRole(params: FGARoleParams): Promise<void> {
    const role = roleTarget('removeRole', params);
    await this.#run('authorization.removeRole', undefined, (workos) => workos.authorization.removeRole(role));
    await this.#deps.onChange();
  }

  /** One page when `limit` is given; otherwise every page (bounded). */
  async listRoleAssignments(options: FGAListRoleAssignmentsOptions): Promise<FGARoleAssignment[]> {
    const method = 'listRoleAssignments';
    const input = requireParams(method, options);
    const organizationMembershipId = requireString(method, 'organizationMembershipId', input.organizationMembershipId);
    const limit = pageLimit(method, input.limit);
    const after = optionalString(method, 'after', input.after);
    const assignments = await this.#list('authorization.listRoleAssignments', limit, after, (workos, cursor, pageSize) =>
      workos.authorization.listRoleAssignments({ organizationMembershipId, limit: pageSize, ...(cursor && { after: cursor }) }),
    );
    return assignments.map(toFGARoleAssignment);
  }

  /** A single page (`limit` given), else every page up to the API's bound. */
  async #list<T>(
    operation: string,
    limit: number | undefined,
    after: string | undefined,
    fetchPage: (workos: WorkOSGateway['workos'], after: string | undefined, pageSize: number) => Promise<ListPage<T>>,
  ): Promise<T[]> {
    try {
      if (limit !== undefined) {
        const page = await this.#api.call(operation, (workos) => fetchPage(workos, after, limit));
        return page.data;
      }
      const { items, complete } = await this.#api.listAll(operation, (workos, cursor) => fetchPage(workos, cursor ?? after, PAGE_SIZE));
      if (!complete) this.#deps.onTruncated(operation);
      return items;
    } catch (error) {
      throw this.#translate(error, operation, undefined);
    }
  }

  async #run<T>(operation: string, resource: MissingResource | undefined, run: (workos: WorkOSGateway['workos']) => Promise<T>): Promise<T> {
    try {
      return await this.#api.call(operation, run);
    } catch (error) {
      throw this.#translate(error, operation, resource);
    }
  }

  #translate(error: unknown, operation: string, resource: MissingResource | undefined): Error {
    if (!isUpstreamError(error)) return error instanceof Error ? error : new Error(String(error));
    if (error.kind === 'not_found' && resource) return new WorkOSFGAResourceNotFoundError(resource, { cause: error.cause });
    return new WorkOSFGAUpstreamError(operation, error);
  }
}

/** The membership, role and resource that `assignRole` / `removeRole` name, validated. */
function roleTarget(method: string, params: FGARoleParams) {
  const input = requireParams(method, params);
  return {
    organizationMembershipId: requireString(method, 'organizationMembershipId', input.organizationMembershipId),
    roleSlug: requireString(method, 'roleSlug', input.roleSlug),
    ...resourceRef(method, input, { id: 'resourceId', externalId: 'resourceExternalId', typeSlug: 'resourceTypeSlug' }),
  };
}
