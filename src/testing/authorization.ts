/**
 * The emulator's Authorization API model (what `workos.authorization.*` talks to).
 *
 * - Roles are declared with `defineRole({ slug, permissions, resourceTypeSlug?, organizationId? })`
 *   (environment roles, or custom roles of one organization); a role grants exactly its permission
 *   slugs, wherever it is held.
 * - A membership is authorized for permission P on resource R iff
 *   (a) one of its organization roles (`role` / `roles` of the membership) grants P and R belongs
 *       to the membership's organization, or
 *   (b) it holds a role assignment granting P on R or on an ancestor of R (the parent chain).
 * - Only `active` memberships are ever authorized.
 */
import { conflict, notFound, unprocessable } from './errors';
import { newId, timestamp } from './ids';
import type { CreationOrder } from './pagination';
import type { DirectoryStore } from './store';
import type {
  AssignRoleInput,
  CreateResourceInput,
  DefineRoleInput,
  EmulatorMembership,
  EmulatorResource,
  EmulatorRole,
  EmulatorRoleAssignment,
} from './types';

/** A resource named either by id or by external id + type (external ids are scoped to an organization). */
export type ResourceRef = { resourceId: string } | { externalId: string; resourceTypeSlug: string };

/** A permission as listed by `authorization.listPermissions`. */
export interface EmulatorPermission {
  object: 'permission';
  id: string;
  slug: string;
  name: string;
  description: string | null;
  resourceTypeSlug: string;
  system: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Filter of {@link AuthorizationModel.listResources}. */
export interface ResourceFilter {
  organizationId?: string;
  resourceTypeSlug?: string;
  parentResourceId?: string;
  search?: string;
}

export class AuthorizationModel {
  private readonly roles = new Map<string, EmulatorRole>();
  /** Stable permission ids, so listing twice returns the same objects. */
  private readonly permissionIds = new Map<string, { id: string; createdAt: string }>();
  private readonly resources = new Map<string, EmulatorResource>();
  private readonly assignments = new Map<string, EmulatorRoleAssignment>();

  constructor(
    private readonly directory: DirectoryStore,
    private readonly order: CreationOrder,
  ) {}

  clear(): void {
    this.roles.clear();
    this.permissionIds.clear();
    this.resources.clear();
    this.assignments.clear();
  }

  // ---- roles and permissions ----

  /** Declares (or redefines) an environment role. */
  defineRole(input: DefineRoleInput): EmulatorRole {
    const organizationId = input.organizationId ?? null;
    if (organizationId !== null) this.directory.requireOrganization(organizationId);
    const existing = this.roles.get(input.slug);
    const now = timestamp();
    const role: EmulatorRole = {
      object: 'role',
      id: existing?.id ?? newId('role'),
      name: input.name ?? input.slug,
      slug: input.slug,
      description: null,
      permissions: [...new Set(input.permissions)],
      resourceTypeSlug: input.resourceTypeSlug ?? 'organization',
      type: organizationId === null ? 'EnvironmentRole' : 'OrganizationRole',
      organizationId,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.roles.set(role.slug, role);
    this.order.register(role.id);
    for (const slug of role.permissions) this.registerPermission(slug, now);
    return structuredClone(role);
  }

  /** Environment roles; with an organization, also that organization's custom roles (after them). */
  listRoles(organizationId?: string): EmulatorRole[] {
    const all = [...this.roles.values()];
    const environment = all.filter((role) => role.organizationId === null);
    const custom = organizationId === undefined ? [] : all.filter((role) => role.organizationId === organizationId);
    return [...environment, ...custom].map((role) => structuredClone(role));
  }

  listPermissions(): EmulatorPermission[] {
    return [...this.permissionIds.entries()].map(([slug, { id, createdAt }]) => ({
      object: 'permission',
      id,
      slug,
      name: slug,
      description: null,
      resourceTypeSlug: 'organization',
      system: false,
      createdAt,
      updatedAt: createdAt,
    }));
  }

  /** Union of the permissions of the given role slugs (undeclared roles grant nothing). */
  permissionsOf(roleSlugs: readonly string[]): string[] {
    const granted = new Set<string>();
    for (const slug of roleSlugs) for (const permission of this.roles.get(slug)?.permissions ?? []) granted.add(permission);
    return [...granted];
  }

  // ---- resources ----

  createResource(input: CreateResourceInput): EmulatorResource {
    this.directory.requireOrganization(input.organizationId);
    const id = input.id ?? newId('authz_resource');
    if (this.resources.has(id)) throw conflict(`A resource with id '${id}' already exists.`, 'resource_already_exists');
    if (!input.resourceTypeSlug) throw unprocessable('resource_type_slug is required.');
    if (!input.externalId) throw unprocessable('external_id is required.');
    if (this.findByExternalId(input.organizationId, input.resourceTypeSlug, input.externalId)) {
      throw conflict(
        `A '${input.resourceTypeSlug}' resource with external id '${input.externalId}' already exists in '${input.organizationId}'.`,
        'resource_already_exists',
      );
    }
    if (input.parentResourceId !== undefined) {
      const parent = this.requireResource(input.parentResourceId);
      if (parent.organizationId !== input.organizationId) {
        throw unprocessable(`Parent resource '${parent.id}' belongs to another organization.`);
      }
    }
    const now = timestamp();
    const resource: EmulatorResource = {
      object: 'authorization_resource',
      id,
      externalId: input.externalId,
      name: input.name ?? input.externalId,
      description: input.description ?? null,
      resourceTypeSlug: input.resourceTypeSlug,
      organizationId: input.organizationId,
      parentResourceId: input.parentResourceId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.resources.set(id, resource);
    this.order.register(id);
    return structuredClone(resource);
  }

  requireResource(id: string): EmulatorResource {
    const resource = this.resources.get(id);
    if (!resource) throw notFound('Authorization resource', id);
    return structuredClone(resource);
  }

  /** Resolves a by-id or by-external-id reference; external ids are looked up in `organizationId`. */
  resolveResource(organizationId: string, ref: ResourceRef): EmulatorResource {
    if ('resourceId' in ref) return this.requireResource(ref.resourceId);
    const resource = this.findByExternalId(organizationId, ref.resourceTypeSlug, ref.externalId);
    if (!resource) throw notFound('Authorization resource', `${ref.resourceTypeSlug}:${ref.externalId}`);
    return resource;
  }

  findByExternalId(organizationId: string, resourceTypeSlug: string, externalId: string): EmulatorResource | undefined {
    for (const resource of this.resources.values()) {
      if (
        resource.organizationId === organizationId &&
        resource.resourceTypeSlug === resourceTypeSlug &&
        resource.externalId === externalId
      ) {
        return structuredClone(resource);
      }
    }
    return undefined;
  }

  updateResource(id: string, patch: { name?: string; description?: string | null }): EmulatorResource {
    const current = this.requireResource(id);
    const next: EmulatorResource = {
      ...current,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      updatedAt: timestamp(),
    };
    this.resources.set(id, next);
    return structuredClone(next);
  }

  /**
   * Deletes a resource. Without `cascade`, a resource that still has children or role
   * assignments is kept and 409 is raised (as the SDK documents); with it, descendants and all
   * their assignments go too.
   */
  deleteResource(id: string, cascade: boolean): void {
    this.requireResource(id);
    const doomed = [id, ...this.descendantIds(id)];
    const doomedSet = new Set(doomed);
    const doomedAssignments = [...this.assignments.values()].filter((a) => doomedSet.has(a.resource.id));
    if (!cascade && (doomed.length > 1 || doomedAssignments.length > 0)) {
      throw conflict(
        `Resource '${id}' has child resources or role assignments; delete with cascade_delete=true.`,
        'resource_has_dependents',
      );
    }
    for (const assignment of doomedAssignments) this.assignments.delete(assignment.id);
    for (const resourceId of doomed) this.resources.delete(resourceId);
  }

  listResources(filter: ResourceFilter): EmulatorResource[] {
    const search = filter.search?.toLowerCase();
    return [...this.resources.values()]
      .filter(
        (r) =>
          (filter.organizationId === undefined || r.organizationId === filter.organizationId) &&
          (filter.resourceTypeSlug === undefined || r.resourceTypeSlug === filter.resourceTypeSlug) &&
          (filter.parentResourceId === undefined || r.parentResourceId === filter.parentResourceId) &&
          (search === undefined || r.name.toLowerCase().includes(search) || r.externalId.toLowerCase().includes(search)),
      )
      .map((r) => structuredClone(r));
  }

  // ---- role assignments ----

  assignRole(input: AssignRoleInput): EmulatorRoleAssignment {
    const membership = this.directory.requireMembership(input.organizationMembershipId);
    const resource = this.requireResource(input.resourceId);
    if (!this.roles.has(input.roleSlug)) throw notFound('Role', input.roleSlug);
    if (resource.organizationId !== membership.organizationId) {
      throw unprocessable(
        `Resource '${resource.id}' belongs to '${resource.organizationId}', not to the membership's organization '${membership.organizationId}'.`,
      );
    }
    const existing = this.findAssignment(membership.id, input.roleSlug, resource.id);
    if (existing) return existing; // assigning twice is a no-op, like a set insert
    const now = timestamp();
    const assignment: EmulatorRoleAssignment = {
      object: 'role_assignment',
      id: newId('role_assignment'),
      organizationMembershipId: membership.id,
      role: { slug: input.roleSlug },
      resource: { id: resource.id, externalId: resource.externalId, resourceTypeSlug: resource.resourceTypeSlug },
      source: { type: 'direct', groupRoleAssignmentId: null },
      createdAt: now,
      updatedAt: now,
    };
    this.assignments.set(assignment.id, assignment);
    this.order.register(assignment.id);
    return structuredClone(assignment);
  }

  /** Removes the assignment of `roleSlug` on a resource; 404 when there is none. */
  removeRole(membershipId: string, roleSlug: string, resourceId: string): void {
    const existing = this.findAssignment(membershipId, roleSlug, resourceId);
    if (!existing) throw notFound('Role assignment', `${roleSlug} on ${resourceId}`);
    this.assignments.delete(existing.id);
  }

  removeAssignment(membershipId: string, assignmentId: string): void {
    const assignment = this.assignments.get(assignmentId);
    if (!assignment || assignment.organizationMembershipId !== membershipId) throw notFound('Role assignment', assignmentId);
    this.assignments.delete(assignmentId);
  }

  listAssignments(membershipId: string, filter: { resourceId?: string; externalId?: string; resourceTypeSlug?: string } = {}): EmulatorRoleAssignment[] {
    return [...this.assignments.values()]
      .filter(
        (a) =>
          a.organizationMembershipId === membershipId &&
          (filter.resourceId === undefined || a.resource.id === filter.resourceId) &&
          (filter.externalId === undefined || a.resource.externalId === filter.externalId) &&
          (filter.resourceTypeSlug === undefined || a.resource.resourceTypeSlug === filter.resourceTypeSlug),
      )
      .map((a) => structuredClone(a));
  }

  /** Drops the assignments of deleted memberships. */
  forgetMemberships(membershipIds: readonly string[]): void {
    const gone = new Set(membershipIds);
    for (const assignment of [...this.assignments.values()]) {
      if (gone.has(assignment.organizationMembershipId)) this.assignments.delete(assignment.id);
    }
  }

  // ---- decisions ----

  /** The permission rule described at the top of this module. */
  isAuthorized(membership: EmulatorMembership, permission: string, resource: EmulatorResource): boolean {
    if (membership.status !== 'active') return false;
    if (resource.organizationId === membership.organizationId) {
      const orgRoles = membership.roles.map((r) => r.slug);
      if (this.permissionsOf(orgRoles).includes(permission)) return true;
    }
    const scope = new Set([resource.id, ...this.ancestorIds(resource)]);
    return [...this.assignments.values()].some(
      (a) =>
        a.organizationMembershipId === membership.id &&
        scope.has(a.resource.id) &&
        (this.roles.get(a.role.slug)?.permissions.includes(permission) ?? false),
    );
  }

  /**
   * Resources the membership holds `permission` on: the descendants of `parentId` (any depth), or
   * every resource of its organization when no parent is given.
   */
  resourcesFor(membership: EmulatorMembership, permission: string, parentId?: string): EmulatorResource[] {
    const candidates =
      parentId === undefined
        ? [...this.resources.values()].filter((r) => r.organizationId === membership.organizationId)
        : this.descendantIds(parentId).map((id) => this.resources.get(id)).filter((r) => r !== undefined);
    return candidates.filter((r) => this.isAuthorized(membership, permission, r)).map((r) => structuredClone(r));
  }

  private findAssignment(membershipId: string, roleSlug: string, resourceId: string): EmulatorRoleAssignment | undefined {
    for (const assignment of this.assignments.values()) {
      if (
        assignment.organizationMembershipId === membershipId &&
        assignment.role.slug === roleSlug &&
        assignment.resource.id === resourceId
      ) {
        return structuredClone(assignment);
      }
    }
    return undefined;
  }

  /** Parent chain, nearest first; a visited set guards against cycles. */
  private ancestorIds(resource: EmulatorResource): string[] {
    const chain: string[] = [];
    const seen = new Set([resource.id]);
    let parentId = resource.parentResourceId;
    while (parentId !== null && !seen.has(parentId)) {
      chain.push(parentId);
      seen.add(parentId);
      parentId = this.resources.get(parentId)?.parentResourceId ?? null;
    }
    return chain;
  }

  /** All descendants of a resource, breadth first. */
  private descendantIds(id: string): string[] {
    const found: string[] = [];
    const queue = [id];
    const seen = new Set([id]);
    for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
      for (const resource of this.resources.values()) {
        if (resource.parentResourceId === current && !seen.has(resource.id)) {
          seen.add(resource.id);
          found.push(resource.id);
          queue.push(resource.id);
        }
      }
    }
    return found;
  }

  private registerPermission(slug: string, createdAt: string): void {
    if (this.permissionIds.has(slug)) return;
    const id = newId('perm');
    this.permissionIds.set(slug, { id, createdAt });
    this.order.register(id);
  }
}
