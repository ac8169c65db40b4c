/**
 * The one rule for "which organization membership counts", used by auth, RBAC and FGA:
 *
 * - only **active** memberships count (pending and inactive ones grant nothing);
 * - with an organization in use (configured, or the token's `org_id`): the active membership in
 *   that organization, else none;
 * - without one: the user's only active membership when there is exactly one; several are
 *   ambiguous (WorkOS lists newest first, so "the first" would be arbitrary) and yield none.
 */

/** The parts of a WorkOS organization membership this package reads. */
export interface MembershipLike {
  id?: unknown;
  organizationId?: unknown;
  status?: unknown;
  role?: { slug?: unknown } | null;
  roles?: ReadonlyArray<{ slug?: unknown } | null> | null;
}

/** The active memberships of a list that may come from anywhere (a user object, WorkOS). */
export function activeMemberships<M extends MembershipLike>(memberships: unknown): M[] {
  if (!Array.isArray(memberships)) return [];
  return memberships.filter(
    (membership): membership is M => typeof membership === 'object' && membership !== null && membership.status === 'active',
  );
}

/** The membership that counts for `organizationId` (see the module rule), or `undefined`. */
export function pickMembership<M extends MembershipLike>(memberships: unknown, organizationId: string | undefined): M | undefined {
  const active = activeMemberships<M>(memberships);
  if (organizationId !== undefined) return active.find((membership) => membership.organizationId === organizationId);
  return active.length === 1 ? active[0] : undefined;
}
