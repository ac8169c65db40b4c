import type { EEUser } from '@mastra/core/auth/ee';
import type { OrganizationMembership, User } from '@workos-inc/node';

/**
 * The user our provider hands to Mastra: Mastra's enterprise user plus the WorkOS context.
 * Token-derived fields (`role`, `roles`, `permissions`, `sessionId`, `organizationId`) come from
 * the verified access token of the current request.
 */
export interface WorkOSUser extends EEUser {
  /** WorkOS user id (`user_…`). */
  workosId: string;
  /** The organization of this session: the token's `org_id`, else the first active membership's. */
  organizationId?: string;
  /**
   * Where `organizationId` came from: `'token'` (the verified token's organization claim, the one
   * its `role`/`roles` belong to) or `'memberships'` (fallback, the token named none).
   */
  organizationIdSource?: 'token' | 'memberships';
  /** The membership (`om_…`) in `organizationId`, from a token claim or the memberships list. */
  organizationMembershipId?: string;
  /** All active organization memberships (only with `fetchMemberships: true`). */
  memberships?: OrganizationMembership[];
  /** The token's `role` claim. */
  role?: string;
  /** The token's `roles` claim. */
  roles?: string[];
  /** The token's `permissions` claim. */
  permissions?: string[];
  /** The token's session id (`sid`). */
  sessionId?: string;
}

/** Display name as WorkOS users expect it: "First Last", else the first name, else the email. */
export function displayNameOf(user: Pick<User, 'firstName' | 'lastName' | 'email'>): string {
  const first = user.firstName?.trim();
  const last = user.lastName?.trim();
  if (first && last) return `${first} ${last}`;
  return first || user.email;
}

/**
 * Maps a WorkOS user to Mastra's user shape: `id` is the WorkOS id, `metadata` holds the WorkOS
 * user's own metadata plus `workosId`, `emailVerified` and `createdAt`.
 */
export function mapWorkOSUserToEEUser(user: User): WorkOSUser {
  return {
    id: user.id,
    workosId: user.id,
    email: user.email,
    name: displayNameOf(user),
    ...(user.profilePictureUrl ? { avatarUrl: user.profilePictureUrl } : {}),
    metadata: {
      ...(user.metadata ?? {}),
      workosId: user.id,
      emailVerified: user.emailVerified,
      // SDK 12 parses timestamps into Dates, SDK 11 kept ISO strings: the user shape stays a string.
      createdAt: isoString(user.createdAt),
    },
  };
}

function isoString(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' ? value : undefined;
}
