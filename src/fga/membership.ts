import type { WorkOSUser } from '../auth/user';

/** The organization membership an FGA check is made for. */
export interface ResolvedMembership {
  organizationMembershipId: string;
  /** The membership's organization, when known. */
  organizationId: string | undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Picks the membership to check: the user's own `organizationMembershipId` when it belongs to the
 * organization in use, else the active membership in that organization from `user.memberships`
 * (the configured `organizationId`, else the user's). Without any organization, a user with exactly
 * one active membership uses it. Anything else is unresolvable: the caller must deny.
 */
export function resolveMembership(user: WorkOSUser | null | undefined, configuredOrganizationId: string | undefined): ResolvedMembership | undefined {
  if (typeof user !== 'object' || user === null) return undefined;
  const userOrganizationId = nonEmptyString(user.organizationId);
  const ownMembershipId = nonEmptyString(user.organizationMembershipId);
  const organizationId = configuredOrganizationId ?? userOrganizationId;
  const memberships = Array.isArray(user.memberships) ? user.memberships : [];
  const active = memberships.filter(
    (membership) => typeof membership === 'object' && membership !== null && membership.status === 'active' && nonEmptyString(membership.id),
  );

  if (ownMembershipId) {
    const listed = memberships.find((membership) => membership?.id === ownMembershipId);
    const ownOrganizationId = nonEmptyString(listed?.organizationId) ?? userOrganizationId;
    // A membership of another (or an unknown) organization must not stand in for the one in use.
    if (organizationId === undefined || ownOrganizationId === organizationId) {
      if (!listed || listed.status === 'active') {
        return { organizationMembershipId: ownMembershipId, organizationId: ownOrganizationId ?? organizationId };
      }
    }
  }

  if (organizationId !== undefined) {
    const match = active.find((membership) => membership.organizationId === organizationId);
    return match ? { organizationMembershipId: match.id, organizationId } : undefined;
  }
  const only = active.length === 1 ? active[0] : undefined;
  return only ? { organizationMembershipId: only.id, organizationId: nonEmptyString(only.organizationId) } : undefined;
}
