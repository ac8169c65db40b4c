/** HTTP handlers of the User Management endpoints, organizations and the JWKS. */
import { notFound } from './errors';
import type { KeyRing } from './keys';
import { paginate, parsePageParams, type CreationOrder } from './pagination';
import { optionalString, queryParam, requiredString, route, type RouteDefinition } from './router';
import type { SessionAuthority } from './sessions';
import { parseStatuses, type DirectoryStore } from './store';
import { toWireList, toWireMembership, toWireOrganization, toWireUser } from './wire';

export interface UserManagementDeps {
  directory: DirectoryStore;
  sessions: SessionAuthority;
  keys: KeyRing;
  order: CreationOrder;
  clientId: string;
}

export function userManagementRoutes(deps: UserManagementDeps): RouteDefinition[] {
  const { directory, sessions, keys, order } = deps;
  const createdByKey = new Map<string, string>();
  return [
    route(
      'jwks',
      'GET /sso/jwks/:clientId',
      (ctx) => {
        const clientId = ctx.param('clientId');
        if (clientId !== deps.clientId) throw notFound('Client', clientId);
        return { status: 200, body: keys.publicJwks() };
      },
      'public',
    ),

    route('getUser', 'GET /user_management/users/:id', (ctx) => ({
      status: 200,
      body: toWireUser(directory.requireUser(ctx.param('id'))),
    })),

    route('getOrganization', 'GET /organizations/:id', (ctx) => ({
      status: 200,
      body: toWireOrganization(directory.requireOrganization(ctx.param('id'))),
    })),

    route('getOrganizationByExternalId', 'GET /organizations/external_id/:externalId', (ctx) => {
      const externalId = ctx.param('externalId');
      const organization = directory.findOrganizationByExternalId(externalId);
      if (!organization) throw notFound('Organization', externalId);
      return { status: 200, body: toWireOrganization(organization) };
    }),

    route('createOrganization', 'POST /organizations', (ctx) => {
      // A repeated Idempotency-Key returns the organization the first request created.
      const key = ctx.header('idempotency-key');
      const earlier = key === undefined ? undefined : createdByKey.get(key);
      if (earlier !== undefined) return { status: 201, body: toWireOrganization(directory.requireOrganization(earlier)) };
      const metadata = ctx.body.metadata;
      const organization = directory.createOrganization({
        name: requiredString(ctx.body, 'name'),
        externalId: optionalString(ctx.body, 'external_id') ?? null,
        ...(metadata !== null && typeof metadata === 'object' && { metadata: metadata as Record<string, string> }),
      });
      if (key !== undefined) createdByKey.set(key, organization.id);
      return { status: 201, body: toWireOrganization(organization) };
    }),

    route('createOrganizationMembership', 'POST /user_management/organization_memberships', (ctx) => {
      const roleSlug = optionalString(ctx.body, 'role_slug');
      const membership = directory.createMembership({
        userId: requiredString(ctx.body, 'user_id'),
        organizationId: requiredString(ctx.body, 'organization_id'),
        ...(roleSlug !== undefined && { role: roleSlug }),
      });
      return { status: 201, body: toWireMembership(membership) };
    }),

    route('listOrganizationMemberships', 'GET /user_management/organization_memberships', (ctx) => {
      const page = parsePageParams(ctx.query);
      const userId = queryParam(ctx.query, 'user_id');
      const organizationId = queryParam(ctx.query, 'organization_id');
      const memberships = directory.listMemberships({
        ...(userId !== undefined && { userId }),
        ...(organizationId !== undefined && { organizationId }),
        statuses: parseStatuses(ctx.query.get('statuses')),
      });
      return { status: 200, body: toWireList(paginate(memberships, page, order), toWireMembership) };
    }),

    route('getOrganizationMembership', 'GET /user_management/organization_memberships/:id', (ctx) => ({
      status: 200,
      body: toWireMembership(directory.requireMembership(ctx.param('id'))),
    })),

    route(
      'authenticate',
      'POST /user_management/authenticate',
      async (ctx) => ({ status: 200, body: await sessions.authenticate(ctx.body, { bearerValid: ctx.bearerValid }) }),
      'client',
    ),
  ];
}
