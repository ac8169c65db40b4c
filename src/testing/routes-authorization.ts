/** HTTP handlers of the Authorization API (`workos.authorization.*`). */
import type { AuthorizationModel, ResourceRef } from './authorization';
import { unprocessable } from './errors';
import { paginate, parsePageParams, type CreationOrder } from './pagination';
import { optionalString, queryParam, requiredString, route, type RequestContext, type RouteDefinition } from './router';
import type { DirectoryStore } from './store';
import type { EmulatorResource } from './types';
import {
  toWireList,
  toWirePermission,
  toWireResource,
  toWireRole,
  toWireRoleAssignment,
} from './wire';

export interface AuthorizationDeps {
  directory: DirectoryStore;
  authorization: AuthorizationModel;
  order: CreationOrder;
}

/** Field names of a resource reference, which differ per endpoint. */
interface RefKeys {
  id: string;
  externalId: string;
  typeSlug: string;
}

const RESOURCE_REF: RefKeys = { id: 'resource_id', externalId: 'resource_external_id', typeSlug: 'resource_type_slug' };
const PARENT_REF: RefKeys = {
  id: 'parent_resource_id',
  externalId: 'parent_resource_external_id',
  typeSlug: 'parent_resource_type_slug',
};
/** `listResources` spells the parent's external id `parent_external_id` (SDK v11 wire quirk). */
const LIST_PARENT_REF: RefKeys = { id: 'parent_resource_id', externalId: 'parent_external_id', typeSlug: 'parent_resource_type_slug' };

/** Reads a by-id or by-external-id reference; `undefined` when neither form is present. */
function readRef(read: (key: string) => string | undefined, keys: RefKeys): ResourceRef | undefined {
  const id = read(keys.id);
  if (id !== undefined) return { resourceId: id };
  const externalId = read(keys.externalId);
  const resourceTypeSlug = read(keys.typeSlug);
  if (externalId === undefined && resourceTypeSlug === undefined) return undefined;
  if (externalId === undefined || resourceTypeSlug === undefined) {
    throw unprocessable(`${keys.externalId} and ${keys.typeSlug} must be given together.`);
  }
  return { externalId, resourceTypeSlug };
}

function requireRef(read: (key: string) => string | undefined, keys: RefKeys): ResourceRef {
  const ref = readRef(read, keys);
  if (!ref) throw unprocessable(`Either ${keys.id}, or ${keys.externalId} with ${keys.typeSlug}, is required.`);
  return ref;
}

const fromBody = (ctx: RequestContext) => (key: string) => optionalString(ctx.body, key);
const fromQuery = (ctx: RequestContext) => (key: string) => queryParam(ctx.query, key);

/** A resource addressed by the `/organizations/:orgId/resources/:type/:externalId` path. */
function resourceAtPath(deps: AuthorizationDeps, ctx: RequestContext): EmulatorResource {
  const organizationId = ctx.param('orgId');
  deps.directory.requireOrganization(organizationId);
  return deps.authorization.resolveResource(organizationId, {
    resourceTypeSlug: ctx.param('type'),
    externalId: ctx.param('externalId'),
  });
}

function resourcePatch(body: Record<string, unknown>): { name?: string; description?: string | null } {
  const patch: { name?: string; description?: string | null } = {};
  const name = optionalString(body, 'name');
  if (name !== undefined) patch.name = name;
  if (body.description === null || typeof body.description === 'string') patch.description = body.description;
  return patch;
}

export function authorizationRoutes(deps: AuthorizationDeps): RouteDefinition[] {
  const { directory, authorization, order } = deps;
  const membershipPath = '/authorization/organization_memberships/:omId';
  const byExternalIdPath = '/authorization/organizations/:orgId/resources/:type/:externalId';

  return [
    // ---- decisions ----
    route('authorization.check', `POST ${membershipPath}/check`, (ctx) => {
      const permission = requiredString(ctx.body, 'permission_slug');
      const membership = directory.requireMembership(ctx.param('omId'));
      const resource = authorization.resolveResource(membership.organizationId, requireRef(fromBody(ctx), RESOURCE_REF));
      return { status: 200, body: { authorized: authorization.isAuthorized(membership, permission, resource) } };
    }),

    route('authorization.listResourcesForMembership', `GET ${membershipPath}/resources`, (ctx) => {
      const page = parsePageParams(ctx.query);
      const permission = queryParam(ctx.query, 'permission_slug');
      if (permission === undefined) throw unprocessable('permission_slug is required.');
      const membership = directory.requireMembership(ctx.param('omId'));
      const parentRef = readRef(fromQuery(ctx), PARENT_REF);
      const parent = parentRef && authorization.resolveResource(membership.organizationId, parentRef);
      const resources = authorization.resourcesFor(membership, permission, parent?.id);
      return { status: 200, body: toWireList(paginate(resources, page, order), toWireResource) };
    }),

    // ---- role assignments ----
    route('authorization.listRoleAssignments', `GET ${membershipPath}/role_assignments`, (ctx) => {
      const page = parsePageParams(ctx.query);
      const membership = directory.requireMembership(ctx.param('omId'));
      const resourceId = queryParam(ctx.query, 'resource_id');
      const externalId = queryParam(ctx.query, 'resource_external_id');
      const resourceTypeSlug = queryParam(ctx.query, 'resource_type_slug');
      const assignments = authorization.listAssignments(membership.id, {
        ...(resourceId !== undefined && { resourceId }),
        ...(externalId !== undefined && { externalId }),
        ...(resourceTypeSlug !== undefined && { resourceTypeSlug }),
      });
      return { status: 200, body: toWireList(paginate(assignments, page, order), toWireRoleAssignment) };
    }),

    route('authorization.assignRole', `POST ${membershipPath}/role_assignments`, (ctx) => {
      const roleSlug = requiredString(ctx.body, 'role_slug');
      const membership = directory.requireMembership(ctx.param('omId'));
      const resource = authorization.resolveResource(membership.organizationId, requireRef(fromBody(ctx), RESOURCE_REF));
      const assignment = authorization.assignRole({ organizationMembershipId: membership.id, roleSlug, resourceId: resource.id });
      return { status: 201, body: toWireRoleAssignment(assignment) };
    }),

    route('authorization.removeRole', `DELETE ${membershipPath}/role_assignments`, (ctx) => {
      const roleSlug = requiredString(ctx.body, 'role_slug');
      const membership = directory.requireMembership(ctx.param('omId'));
      const resource = authorization.resolveResource(membership.organizationId, requireRef(fromBody(ctx), RESOURCE_REF));
      authorization.removeRole(membership.id, roleSlug, resource.id);
      return { status: 204 };
    }),

    route('authorization.removeRoleAssignment', `DELETE ${membershipPath}/role_assignments/:assignmentId`, (ctx) => {
      const membership = directory.requireMembership(ctx.param('omId'));
      authorization.removeAssignment(membership.id, ctx.param('assignmentId'));
      return { status: 204 };
    }),

    // ---- resources by id ----
    route('authorization.createResource', 'POST /authorization/resources', (ctx) => {
      const organizationId = requiredString(ctx.body, 'organization_id');
      const parentRef = readRef(fromBody(ctx), PARENT_REF);
      const parent = parentRef && authorization.resolveResource(organizationId, parentRef);
      const description = ctx.body.description;
      const resource = authorization.createResource({
        organizationId,
        resourceTypeSlug: requiredString(ctx.body, 'resource_type_slug'),
        externalId: requiredString(ctx.body, 'external_id'),
        name: requiredString(ctx.body, 'name'),
        ...((typeof description === 'string' || description === null) && { description }),
        ...(parent && { parentResourceId: parent.id }),
      });
      return { status: 201, body: toWireResource(resource) };
    }),

    route('authorization.listResources', 'GET /authorization/resources', (ctx) => {
      const page = parsePageParams(ctx.query);
      const organizationId = queryParam(ctx.query, 'organization_id');
      const resourceTypeSlug = queryParam(ctx.query, 'resource_type_slug');
      const search = queryParam(ctx.query, 'search');
      const parentRef = readRef(fromQuery(ctx), LIST_PARENT_REF);
      let parentResourceId: string | undefined;
      if (parentRef && 'resourceId' in parentRef) parentResourceId = parentRef.resourceId;
      else if (parentRef) {
        if (organizationId === undefined) throw unprocessable('organization_id is required with parent_external_id.');
        parentResourceId = authorization.resolveResource(organizationId, parentRef).id;
      }
      const resources = authorization.listResources({
        ...(organizationId !== undefined && { organizationId }),
        ...(resourceTypeSlug !== undefined && { resourceTypeSlug }),
        ...(parentResourceId !== undefined && { parentResourceId }),
        ...(search !== undefined && { search }),
      });
      return { status: 200, body: toWireList(paginate(resources, page, order), toWireResource) };
    }),

    route('authorization.getResource', 'GET /authorization/resources/:id', (ctx) => ({
      status: 200,
      body: toWireResource(authorization.requireResource(ctx.param('id'))),
    })),

    route('authorization.updateResource', 'PATCH /authorization/resources/:id', (ctx) => ({
      status: 200,
      body: toWireResource(authorization.updateResource(ctx.param('id'), resourcePatch(ctx.body))),
    })),

    route('authorization.deleteResource', 'DELETE /authorization/resources/:id', (ctx) => {
      authorization.deleteResource(ctx.param('id'), ctx.query.get('cascade_delete') === 'true');
      return { status: 204 };
    }),

    // ---- resources by external id ----
    route('authorization.getResourceByExternalId', `GET ${byExternalIdPath}`, (ctx) => ({
      status: 200,
      body: toWireResource(resourceAtPath(deps, ctx)),
    })),

    route('authorization.updateResourceByExternalId', `PATCH ${byExternalIdPath}`, (ctx) => {
      const resource = resourceAtPath(deps, ctx);
      return { status: 200, body: toWireResource(authorization.updateResource(resource.id, resourcePatch(ctx.body))) };
    }),

    route('authorization.deleteResourceByExternalId', `DELETE ${byExternalIdPath}`, (ctx) => {
      const resource = resourceAtPath(deps, ctx);
      authorization.deleteResource(resource.id, ctx.query.get('cascade_delete') === 'true');
      return { status: 204 };
    }),

    // ---- roles and permissions ----
    route('authorization.listRoles', 'GET /authorization/roles', () => ({
      status: 200,
      body: { object: 'list', data: authorization.listRoles().map(toWireRole) },
    })),

    route('authorization.listRoles', 'GET /authorization/organizations/:orgId/roles', (ctx) => {
      const organizationId = ctx.param('orgId');
      directory.requireOrganization(organizationId);
      return { status: 200, body: { object: 'list', data: authorization.listRoles(organizationId).map(toWireRole) } };
    }),

    route('authorization.listPermissions', 'GET /authorization/permissions', (ctx) => {
      const page = parsePageParams(ctx.query);
      return { status: 200, body: toWireList(paginate(authorization.listPermissions(), page, order), toWirePermission) };
    }),
  ];
}
