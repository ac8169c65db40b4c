/**
 * Where a user's WorkOS roles come from, decided without any I/O.
 *
 * The rule: a token's `role`/`roles` describe the membership in the token's organization (the
 * `org_id` claim, surfaced as `user.organizationId` with `organizationIdSource: 'token'`) and
 * nothing else. They are used when no
 * `organizationId` option is set, or when it names that same organization. Otherwise the roles
 * come from the membership in the target organization (with no organization context at all: the
 * union over the user's active memberships): from `user.memberships` when the auth provider
 * loaded them (`fetchMemberships: true`), else from WorkOS.
 */

import { activeMemberships, pickMembership, type MembershipLike } from '../shared/memberships';
import { nonEmptyString } from '../shared/options';


export type RoleSource =
  /** Roles are known now (token claims or loaded memberships); no WorkOS call. */
  | { kind: 'known'; from: 'token' | 'memberships'; roles: string[] }
  /** Ask WorkOS for the user's membership in `organizationId` (or the first one, when undefined). */
  | { kind: 'workos'; userId: string; organizationId: string | undefined }
  /** Not a user we can resolve roles for (no id): no roles. */
  | { kind: 'none' };

/** Distinct non-empty strings, in first-seen order. */
function distinct(values: Iterable<unknown>): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const text = nonEmptyString(value);
    if (text !== undefined) seen.add(text);
  }
  return [...seen];
}

/** The WorkOS user id to query: `workosId`, else `id`. */
export function workosUserIdOf(user: unknown): string | undefined {
  if (user === null || typeof user !== 'object') return undefined;
  const record = user as { workosId?: unknown; id?: unknown };
  return nonEmptyString(record.workosId) ?? nonEmptyString(record.id);
}

/** The token's roles: `role` (primary) and `roles`, merged. */
export function tokenRolesOf(user: { role?: unknown; roles?: unknown }): string[] {
  const listed = Array.isArray(user.roles) ? user.roles : [];
  return distinct([user.role, ...listed]);
}

/** A membership's roles: the primary `role` first, then `roles`. */
export function membershipRoles(membership: MembershipLike): string[] {
  const listed = Array.isArray(membership.roles) ? membership.roles : [];
  return distinct([membership.role?.slug, ...listed.map((role) => role?.slug)]);
}

/**
 * The roles that count among `memberships`: those of the active membership in `organizationId`
 * (the shared membership rule), or — with no organization context at all — the union over every
 * active membership. Inactive and pending memberships never grant roles.
 */
export function rolesForOrganization(memberships: unknown, organizationId: string | undefined): string[] {
  if (organizationId !== undefined) {
    const membership = pickMembership(memberships, organizationId);
    return membership ? membershipRoles(membership) : [];
  }
  return distinct(activeMemberships(memberships).flatMap((membership) => membershipRoles(membership)));
}

export function planRoleLookup(user: unknown, configuredOrganizationId: string | undefined): RoleSource {
  const userId = workosUserIdOf(user);
  if (userId === undefined) return { kind: 'none' };
  const record = user as {
    organizationId?: unknown;
    organizationIdSource?: unknown;
    role?: unknown;
    roles?: unknown;
    memberships?: unknown;
  };
  const userOrganizationId = nonEmptyString(record.organizationId);
  // An organization filled in from memberships is not the one the token's roles belong to.
  const tokenOrganizationId = record.organizationIdSource === 'memberships' ? undefined : userOrganizationId;
  const target = configuredOrganizationId ?? userOrganizationId;

  const tokenRoles = tokenRolesOf(record);
  const tokenSpeaksForTarget = configuredOrganizationId === undefined || configuredOrganizationId === tokenOrganizationId;
  if (tokenRoles.length > 0 && tokenSpeaksForTarget) return { kind: 'known', from: 'token', roles: tokenRoles };

  if (Array.isArray(record.memberships)) {
    return { kind: 'known', from: 'memberships', roles: rolesForOrganization(record.memberships, target) };
  }
  return { kind: 'workos', userId, organizationId: target };
}
