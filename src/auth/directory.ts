import type { OrganizationMembership, User } from '@workos-inc/node';
import type { WorkOSGateway } from '../shared/gateway';
import { WORKOS_PAGE_SIZE } from '../shared/gateway';
import { ReadThroughCache, type CacheSettings } from '../shared/read-through-cache';
import type { Clock } from '../shared/clock';
import { authErrorFromUpstream } from './errors';

/** 1,000 memberships per user is far beyond real use; the bound keeps a bad cursor from looping. */
const MAX_MEMBERSHIP_PAGES = 10;

/**
 * WorkOS users and memberships as the request path needs them: read through the shared cache
 * (LRU + TTL, concurrent misses coalesced, failures never cached, invalidation wins over loads in
 * flight), every call through the shared gateway.
 */
export class WorkOSDirectory {
  readonly #gateway: WorkOSGateway;
  readonly #users: ReadThroughCache<string, User>;
  readonly #memberships: ReadThroughCache<string, OrganizationMembership[]>;

  constructor(gateway: WorkOSGateway, cache: CacheSettings | false, clock: Clock) {
    this.#gateway = gateway;
    this.#users = new ReadThroughCache(cache, clock);
    this.#memberships = new ReadThroughCache(cache, clock);
  }

  get cachedUsers(): number {
    return this.#users.size;
  }

  /** The cached user, without loading. */
  peekUser(userId: string): User | undefined {
    return this.#users.peek(userId);
  }

  /** The cached memberships, without loading. */
  peekMemberships(userId: string): OrganizationMembership[] | undefined {
    return this.#memberships.peek(userId);
  }

  getUser(userId: string): Promise<User> {
    return this.#users.load(userId, () =>
      this.#gateway.call('getUser', (workos) => workos.userManagement.getUser(userId)).catch((error: unknown) => {
        throw authErrorFromUpstream(error);
      }),
    );
  }

  /** Every membership of a user (any status), all pages. */
  listMemberships(userId: string): Promise<OrganizationMembership[]> {
    return this.#memberships.load(userId, async () => {
      try {
        const { items } = await this.#gateway.listAll<OrganizationMembership>(
          'listOrganizationMemberships',
          (workos, after) => workos.userManagement.listOrganizationMemberships({ userId, limit: WORKOS_PAGE_SIZE, ...(after && { after }) }),
          MAX_MEMBERSHIP_PAGES,
        );
        return items;
      } catch (error) {
        throw authErrorFromUpstream(error);
      }
    });
  }

  /** Ids of the cached users with this email (case-insensitive); reads the cache only. */
  cachedUserIdsByEmail(email: string): string[] {
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    return this.#users.keys().filter((userId) => this.#users.peek(userId)?.email?.toLowerCase() === wanted);
  }

  /** Forget a user, including lookups still in flight (for example after a Directory Sync event). */
  invalidateUser(userId: string): void {
    this.#users.invalidate(userId);
    this.#memberships.invalidate(userId);
  }

  /** Forget a user's memberships only (after adding one, for example). */
  invalidateMemberships(userId: string): void {
    this.#memberships.invalidate(userId);
  }
}
