/**
 * Code written the way an upstream `@mastra/auth-workos` user writes it: every export, option and
 * method of the auth, RBAC, FGA, Directory Sync and Admin Portal surface, used as upstream's types
 * allow. `compat.test.ts` type-checks this file against the freshly built package; it is never run.
 * (The SSO/session surface is covered in its own file once it lands.)
 */
import { Mastra } from '@mastra/core';
import { WorkOS } from '@workos-inc/node';
import {
  MastraAuthWorkos,
  MastraFGAWorkos,
  MastraRBACWorkos,
  WorkOSAdminPortal,
  WorkOSDirectorySync,
  WorkOSFGAMembershipResolutionError,
  WorkOSFGAResourceNotFoundError,
  mapWorkOSUserToEEUser,
  type AdminPortalIntent,
  type DirectorySyncGroupData,
  type DirectorySyncHandlers,
  type DirectorySyncUserData,
  type MastraAuthWorkosOptions,
  type MastraFGAPermissionMapping,
  type MastraFGAWorkosOptions,
  type MastraRBACWorkosOptions,
  type PermissionCacheOptions,
  type WorkOSAdminPortalOptions,
  type WorkOSDirectorySyncOptions,
  type WorkOSJwtClaimsConfig,
  type WorkOSUser,
} from '@mastra/auth-workos';

// ---- MastraAuthWorkos ----
const jwtClaims: WorkOSJwtClaimsConfig = {
  userId: 'sub',
  email: 'email',
  name: 'name',
  organizationId: 'org_id',
  organizationMembershipId: 'urn:mastra:organization_membership_id',
};
const authOptions: MastraAuthWorkosOptions = {
  apiKey: process.env.WORKOS_API_KEY,
  clientId: process.env.WORKOS_CLIENT_ID,
  redirectUri: 'http://localhost:4111/auth/callback',
  fetchMemberships: true,
  trustJwtClaims: false,
  jwtClaims,
  mapJwtPayloadToUser: (payload) => ({ organizationId: payload.org_id as string | undefined }),
};
export const auth = new MastraAuthWorkos(authOptions);
export const fromEnv = new MastraAuthWorkos();
export const withClient = new MastraAuthWorkos({ workos: new WorkOS('sk_test_x', { clientId: 'client_x' }), clientId: 'client_x' });

export async function useAuth(request: Request): Promise<void> {
  const user: WorkOSUser | null = await auth.authenticateToken('token', request as never);
  if (user) {
    const allowed: boolean = await auth.authorizeUser(user, request as never);
    auth.authorizeUser(user).then((ok: boolean) => ok);
    const org: string | undefined = user.organizationId;
    const membership: string | undefined = user.organizationMembershipId;
    const workosId: string = user.workosId;
    void [allowed, org, membership, workosId, user.memberships?.[0]?.organizationId];
  }
  const client: WorkOS = auth.getWorkOS();
  const clientId: string = auth.getClientId();
  const redirect: string = auth.getRedirectUri();
  const organizationId: string | undefined = await auth.ensureOrganization('user_1');
  const isAdmin: boolean = await auth.isOrganizationAdmin('org_1', 'user_1');
  void [client, clientId, redirect, organizationId, isAdmin];
}

// Upstream's custom authorization example: a subclass that overrides authorizeUser.
export class AdminOnlyWorkosAuth extends MastraAuthWorkos {
  async authorizeUser(user: WorkOSUser): Promise<boolean> {
    return user?.metadata?.role === 'admin';
  }

  clientIdOfThis(): string {
    // Protected members a subclass reads.
    void this.workos.userManagement;
    void [this.fetchMemberships, this.trustJwtClaims, this.jwtClaimOptions, this.mapJwtPayloadToUser, this.redirectUri];
    return this.clientId;
  }
}

export const mapped: WorkOSUser = mapWorkOSUserToEEUser({} as Parameters<typeof mapWorkOSUserToEEUser>[0]);

// ---- MastraRBACWorkos ----
const cacheOptions: PermissionCacheOptions = { maxSize: 1000, ttlMs: 60_000 };
const rbacOptions: MastraRBACWorkosOptions = {
  apiKey: 'sk_test_x',
  clientId: 'client_x',
  roleMapping: { admin: ['*'], member: ['agents:read', 'workflows:*'], viewer: ['agents:read'], _default: [] },
  organizationId: 'org_1',
  cache: cacheOptions,
};
export const rbac = new MastraRBACWorkos(rbacOptions);

export async function useRbac(user: WorkOSUser): Promise<void> {
  const roles: string[] = await rbac.getRoles(user);
  const hasRole: boolean = await rbac.hasRole(user, 'admin');
  const permissions: string[] = await rbac.getPermissions(user);
  const can: boolean = await rbac.hasPermission(user, 'agents:read');
  const all: boolean = await rbac.hasAllPermissions(user, ['agents:read', 'workflows:read']);
  const any: boolean = await rbac.hasAnyPermission(user, ['agents:read', 'workflows:read']);
  const available: Array<{ id: string; name: string }> = await rbac.getAvailableRoles();
  const forRole: string[] = await rbac.getPermissionsForRole('admin');
  rbac.clearCache();
  rbac.clearUserCache('user_1');
  const stats: { size: number; maxSize: number } = rbac.getCacheStats();
  void [roles, hasRole, permissions, can, all, any, available, forRole, stats, rbac.roleMapping];
}

// ---- MastraFGAWorkos ----
const permissionMapping: MastraFGAPermissionMapping = { 'agents:execute': 'execute', 'agents:read': 'read' };
const fgaOptions: MastraFGAWorkosOptions = {
  apiKey: 'sk_test_x',
  clientId: 'client_x',
  organizationId: 'org_1',
  resourceMapping: {
    agent: { fgaResourceType: 'agent', deriveId: (ctx) => ctx.user.teamId as string | undefined },
    workflow: { fgaResourceType: 'workflow', parentResourceTypeSlug: 'team', deriveId: () => undefined },
  },
  permissionMapping,
  publicByDefault: false,
  requireForProtectedRoutes: false,
  auditProtectedRoutes: 'warn',
  validatePermissions: true,
  ownership: { enabled: true, ownerRole: 'owner', fallbackRoles: ['admin', 'editor'] },
};
export const fga = new MastraFGAWorkos(fgaOptions);

export async function useFga(user: WorkOSUser): Promise<void> {
  const allowed: boolean = await fga.check(user, { resource: { type: 'agent', id: 'weather' }, permission: 'agents:execute' });
  await fga.require(user, { resource: { type: 'agent', id: 'weather' }, permission: ['agents:execute', 'agents:read'] });
  const visible = await fga.filterAccessible(user, [{ id: 'weather' }], 'agent', 'agents:read');
  const types = await fga.describeResourceTypes('org_1');
  const hasType: boolean = await fga.hasResourceType('org_1', 'agent');
  const registered = await fga.registerResource({ user, resourceType: 'agent', resourceId: 'weather', name: 'Weather' });
  const publicByDefault: boolean = fga.publicByDefault;
  const ownerRole: string | undefined = fga.ownership?.ownerRole;
  const fallbacks: string[] | undefined = fga.ownership?.fallbackRoles;
  void [allowed, visible[0]?.id, types[0]?.slug, hasType, registered.resource, registered.ownerAssignment, registered.warnings, publicByDefault, ownerRole, fallbacks];

  const resource = await fga.createResource({ externalId: 'weather', name: 'Weather', resourceTypeSlug: 'agent', organizationId: 'org_1' });
  await fga.getResource(resource.id);
  await fga.listResources({ organizationId: 'org_1' });
  await fga.updateResource({ resourceId: resource.id, name: 'Weather 2' });
  await fga.assignRole({ organizationMembershipId: 'om_1', roleSlug: 'owner', resourceId: resource.id });
  await fga.listRoleAssignments({ organizationMembershipId: 'om_1' });
  await fga.removeRole({ organizationMembershipId: 'om_1', roleSlug: 'owner', resourceId: resource.id });
  await fga.deleteResource({ resourceId: resource.id });
}

export function fgaErrors(): void {
  const notFound = new WorkOSFGAResourceNotFoundError('agent', 'weather');
  const status404: 404 = notFound.status;
  const type: string = notFound.resourceType;
  const id: string = notFound.resourceId;
  const membership = new WorkOSFGAMembershipResolutionError({ id: 'user_1' });
  const status500: 500 = membership.status;
  const redacted: string = membership.userId;
  void [status404, type, id, status500, redacted, notFound instanceof Error];
}

// ---- Directory Sync ----
const handlers: DirectorySyncHandlers = {
  onUserCreated: async (user: DirectorySyncUserData) => void [user.id, user.directoryId, user.emails[0]?.value, user.state],
  onUserUpdated: async (user) => void user.firstName,
  onUserDeleted: async (user) => void user.idpId,
  onGroupCreated: async (group: DirectorySyncGroupData) => void [group.id, group.name],
  onGroupUpdated: async (group) => void group.directoryId,
  onGroupDeleted: async (group) => void group.organizationId,
  onGroupUserAdded: async ({ group, user }) => void [group.id, user.id],
  onGroupUserRemoved: async ({ group, user }) => void [group.name, user.emails],
};
const dsyncOptions: WorkOSDirectorySyncOptions = { webhookSecret: 'whsec', handlers };
export const directorySync = new WorkOSDirectorySync(new WorkOS('sk_test_x'), dsyncOptions);

export async function useDirectorySync(rawBody: string, signature: string): Promise<void> {
  await directorySync.handleWebhook(rawBody, signature);
  await directorySync.handleWebhook(JSON.parse(rawBody) as object, signature);
  await directorySync.listDirectories('org_1');
  await directorySync.listDirectoryUsers('directory_1');
  await directorySync.listDirectoryGroups('directory_1');
}

// ---- Admin Portal ----
const portalOptions: WorkOSAdminPortalOptions = { returnUrl: 'https://app.example.com/settings' };
export const portal = new WorkOSAdminPortal(new WorkOS('sk_test_x'), portalOptions);

export async function usePortal(): Promise<string[]> {
  const intents: AdminPortalIntent[] = ['sso', 'dsync', 'audit_logs', 'log_streams'];
  const links: string[] = [];
  for (const intent of intents) links.push(await portal.getPortalLink('org_1', intent));
  links.push(await portal.getPortalLink('org_1'));
  return links;
}

// ---- Wiring into Mastra, as upstream's docs show ----
export const mastra = new Mastra({
  server: {
    auth: new MastraAuthWorkos({ apiKey: 'sk_test_x', clientId: 'client_x' }),
    rbac: new MastraRBACWorkos({ apiKey: 'sk_test_x', clientId: 'client_x', roleMapping: { admin: ['*'] } }),
  },
});

// ---- A client from the app's own SDK copy (11 here) type-checks as the `workos` option ----
import { WorkOS as AppWorkOS11 } from 'workos-node-11';

export const withSdk11Client = new MastraAuthWorkos({ workos: new AppWorkOS11('sk_test_x', { clientId: 'client_x' }), clientId: 'client_x' });
export const rbacWithSdk11Client = new MastraRBACWorkos({
  workos: new AppWorkOS11('sk_test_x', { clientId: 'client_x' }),
  apiKey: 'sk_test_x',
  clientId: 'client_x',
  roleMapping: { admin: ['*'] },
});
export const portalWithSdk11Client = new WorkOSAdminPortal(new AppWorkOS11('sk_test_x'));

// ---- One catch for every error of the package ----
import { WorkOSMastraError, WorkOSConfigError } from '@mastra/auth-workos';

export function describeFailure(error: unknown): string {
  if (error instanceof WorkOSConfigError) return `config: ${error.option}`;
  if (error instanceof WorkOSMastraError) return error.code;
  return 'not ours';
}
