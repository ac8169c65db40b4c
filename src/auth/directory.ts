import type { OrganizationMembership, User } from '@workos-inc/node';
import type { WorkOSGateway } from '../shared/gateway';
import { WORKOS_PAGE_SIZE } from '../shared/gateway';
import { ReadThroughCache, type CacheSettings } from '../shared/read-through-cache';
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock';
import type { OncePerWindowLogger } from '../shared/log-once';
import { isRecord } from '../shared/options';
import { jsonCodec, type SharedStore } from '../shared/store';
import { storeTier } from '../shared/store-tier';
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

  constructor(
    gateway: WorkOSGateway,
    cache: CacheSettings | false,
    clock: Clock,
    shared?: { store: SharedStore | undefined; clientId: string; log: OncePerWindowLogger },
  ) {
    this.#gateway = gateway;
    const tier = { clientId: shared?.clientId ?? '', component: 'auth', log: shared?.log as OncePerWindowLogger };
    this.#users = new ReadThroughCache(
      cache,
      clock,
      storeTier(shared?.store, {
        ...tier,
        cache: 'user',
        codec: jsonCodec<string, User>({
          key: (userId) => userId,
          revive: (parsed) => {
            if (!isRecord(parsed) || typeof parsed.id !== 'string') throw new TypeError('not a WorkOS user');
            return parsed as unknown as User;
          },
          // So that a Directory Sync event on any instance finds the user by email.
          indexes: (user) => (typeof user.email === 'string' && user.email !== '' ? [emailIndex(user.email)] : []),
        }),
      }),
    );
    this.#memberships = new ReadThroughCache(
      cache,
      clock,
      storeTier(shared?.store, {
        ...tier,
        cache: 'memberships',
        codec: jsonCodec<string, OrganizationMembership[]>({
          key: (userId) => userId,
          revive: (parsed) => {
            if (!Array.isArray(parsed)) throw new TypeError('not a membership list');
            return parsed as OrganizationMembership[];
          },
        }),
      }),
    );
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

  /**
   * Ids of the cached users with this email (case-insensitive): this instance's cache, plus, with a
   * shared store, the users any instance cached under it. Never calls WorkOS.
   */
  async cachedUserIdsByEmail(email: string): Promise<string[]> {
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    const local = this.#users.keys().filter((userId) => this.#users.peek(userId)?.email?.toLowerCase() === wanted);
    const shared = await this.#users.storeIndex(emailIndex(wanted));
    return [...new Set([...local, ...shared])];
  }

  /**
   * Forget a user, including lookups still in flight (for example after a Directory Sync event);
   * with a shared store, in every instance (settles once the store has it; never rejects).
   */
  async invalidateUser(userId: string): Promise<void> {
    await Promise.all([this.#users.invalidate(userId), this.#memberships.invalidate(userId)]);
  }

  /** Forget a user's memberships only (after adding one, for example). */
  invalidateMemberships(userId: string): void {
    this.#memberships.invalidate(userId);
  }
}

/** The store index of users by email: a hash, so no address appears in key names. */
function emailIndex(email: string): string {
  return `email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}
