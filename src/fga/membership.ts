import type { WorkOSUser } from '../auth/user';
import { pickMembership } from '../shared/memberships';
import { nonEmptyString } from '../shared/options';

/** The organization membership an FGA check is made for. */
export interface ResolvedMembership {
  organizationMembershipId: string;
  /** The membership's organization, when known. */
  organizationId: string | undefined;
}


/**
 * Picks the membership to check: the user's own `organizationMembershipId` when it belongs to the
 * organization in use, else the active membership in that organization from `user.memberships`
 * (the configured `organizationId`, else the user's). Without any organization, a user with exactly
 * one active membership uses it (the shared membership rule). Anything else is unresolvable: the
 * caller must deny.
 */
export function resolveMembership(user: WorkOSUser | null | undefined, configuredOrganizationId: string | undefined): ResolvedMembership | undefined {
  if (typeof user !== 'object' || user === null) return undefined;
  const userOrganizationId = nonEmptyString(user.organizationId);
  const ownMembershipId = nonEmptyString(user.organizationMembershipId);
  const organizationId = configuredOrganizationId ?? userOrganizationId;
  const memberships = Array.isArray(user.memberships) ? user.memberships : [];

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

  // Otherwise the shared rule: the active membership in the organization in use, else the only one.
  const match = pickMembership<{ id?: unknown; organizationId?: unknown }>(memberships, organizationId);
  const matchId = nonEmptyString(match?.id);
  return matchId ? { organizationMembershipId: matchId, organizationId: organizationId ?? nonEmptyString(match?.organizationId) } : undefined;
}
