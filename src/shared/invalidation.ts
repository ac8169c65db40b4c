/**
 * What a cache holder must offer so that a directory event (a deprovisioned user, a changed group
 * membership) reaches it at once instead of after its TTL. `MastraAuthWorkos` and
 * `MastraRBACWorkos` implement it; so can an application's own cache.
 */
export interface Invalidatable {
  /** Forget everything cached about this WorkOS user (profile, memberships, roles, permissions). */
  invalidateUser(userId: string): void | Promise<void>;
  /**
   * Ids of the users this holder has cached under `email` (case-insensitive), read from the cache
   * alone — no WorkOS call, since the user may already be deleted there. A directory user's id is
   * not the AuthKit user id; the email is the link between the two.
   */
  cachedUserIdsByEmail?(email: string): readonly string[] | Promise<readonly string[]>;
}
