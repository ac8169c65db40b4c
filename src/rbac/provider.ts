import { hasPermission as grantsPermission, type IRBACProvider, type RoleMapping } from '@mastra/core/auth/ee';
import { MastraBase } from '@mastra/core/base';
import type { WorkOS } from '@workos-inc/node';
import { OncePerWindowLogger } from '../shared/log-once';
import type { WorkOSUser } from '../auth/user';
import { WorkOSGateway } from '../shared/gateway';
import { isNonEmptyString } from '../shared/options';
import { ReadThroughCache } from '../shared/read-through-cache';
import { jsonCodec } from '../shared/store';
import { storeTier } from '../shared/store-tier';
import { WorkOSRBACError } from './errors';
import { MembershipRoles } from './membership-roles';
import { resolveRBACSettings, type MastraRBACWorkosOptions, type ResolvedRBACSettings } from './options';
import type { RoleMapper } from './role-mapping';
import { planRoleLookup } from './role-source';

/** A user's roles and the permissions they map to; cached together, frozen. */
interface ResolvedAccess {
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
}

const NO_ACCESS: ResolvedAccess = Object.freeze({ roles: Object.freeze([]), permissions: Object.freeze([]) });

/** Counters for tests and health checks. */
export interface MastraRBACWorkosStats {
  /** `listOrganizationMemberships` calls made by this instance. */
  workosApiCalls: number;
  /** (user, organization) entries currently cached. */
  cachedEntries: number;
}

/** Cache key of one user in one organization (`undefined`: no organization context). */
function accessKey(userId: string, organizationId: string | undefined): string {
  // NUL cannot occur in WorkOS ids, so distinct pairs never collide.
  return `${userId}\u0000${organizationId ?? ''}`;
}

/**
 * Mastra RBAC provider mapping WorkOS organization roles to Mastra permissions. Pass it as
 * `server.rbac` next to `MastraAuthWorkos`.
 *
 * Roles come from the verified token (`role`/`roles`, for the token's organization only), else
 * from memberships the auth provider loaded, else from WorkOS (cached per user and
 * organization). When WorkOS fails the user gets no roles and no permissions (fail closed); the
 * cause is logged once per window.
 */
export class MastraRBACWorkos extends MastraBase implements IRBACProvider<WorkOSUser> {
  readonly #workos: WorkOS;
  readonly #settings: ResolvedRBACSettings;
  readonly #mapper: RoleMapper;
  readonly #gateway: WorkOSGateway;
  readonly #memberships: MembershipRoles;
  /** Resolved access per (user, organization): see {@link accessKey}. */
  readonly #cache: ReadThroughCache<string, ResolvedAccess>;
  readonly #log: OncePerWindowLogger;

  constructor(options: MastraRBACWorkosOptions) {
    super({ component: 'AUTH', name: 'MastraRBACWorkos' });
    // Validate everything before building a client: misconfiguration fails here, not per request.
    this.#settings = resolveRBACSettings(options);
    const { clock, connection } = this.#settings;
    this.#mapper = this.#settings.roleMapper;
    if (options.logger) this.__setLogger(options.logger);
    this.#log = new OncePerWindowLogger(() => this.logger, { clock });
    this.#workos = connection.workos;
    this.#gateway = new WorkOSGateway(this.#workos, { component: 'MastraRBACWorkos', requestTimeoutMs: this.#settings.requestTimeoutMs, clock, log: this.#log });
    this.#memberships = new MembershipRoles(this.#gateway);
    this.#cache = new ReadThroughCache(
      this.#settings.cache,
      clock,
      storeTier(this.#settings.store, {
        clientId: connection.clientId,
        component: 'rbac',
        cache: 'access',
        log: this.#log,
        // Roles only: permissions are mapped by each instance's own roleMapping when read.
        codec: jsonCodec<string, ResolvedAccess>({
          key: (key) => key.split('\u0000').map(encodeURIComponent).join(':'),
          group: (key) => key.slice(0, key.indexOf('\u0000')),
          encode: (access) => access.roles,
          revive: (parsed) => {
            if (!Array.isArray(parsed) || !parsed.every(isNonEmptyString)) throw new TypeError('not a role list');
            return this.#resolve(parsed);
          },
        }),
      }),
    );

    if (this.#mapper.unknownPatterns.length > 0) {
      this.#log.log(
        'warn',
        'unknown_permission_pattern',
        'MastraRBACWorkos: roleMapping grants permissions no built-in Mastra route checks ' +
          '(fine for custom routes with their own requiresPermission; otherwise a typo?)',
        { patterns: this.#mapper.unknownPatterns },
      );
    }
  }

  /** The role mapping in effect (a copy). */
  get roleMapping(): RoleMapping {
    return this.#mapper.toRoleMapping();
  }

  /** The user's WorkOS role slugs in the organization that counts; `[]` when unknown or on failure. */
  async getRoles(user: WorkOSUser): Promise<string[]> {
    return [...(await this.#access(user)).roles];
  }

  async hasRole(user: WorkOSUser, role: string): Promise<boolean> {
    if (!isNonEmptyString(role)) return false;
    return (await this.#access(user)).roles.includes(role);
  }

  /** Union of the mapped permission patterns of the user's roles. */
  async getPermissions(user: WorkOSUser): Promise<string[]> {
    return [...(await this.#access(user)).permissions];
  }

  /** Whether a granted pattern covers `permission` (Mastra's own wildcard matching). */
  async hasPermission(user: WorkOSUser, permission: string): Promise<boolean> {
    if (!isNonEmptyString(permission)) return false;
    return grantsPermission([...(await this.#access(user)).permissions], permission);
  }

  /** Every one of `permissions` is covered (an empty list is, as in Mastra's own provider). */
  async hasAllPermissions(user: WorkOSUser, permissions: string[]): Promise<boolean> {
    if (!Array.isArray(permissions) || !permissions.every(isNonEmptyString)) return false;
    const granted = [...(await this.#access(user)).permissions];
    return permissions.every((permission) => grantsPermission(granted, permission));
  }

  async hasAnyPermission(user: WorkOSUser, permissions: string[]): Promise<boolean> {
    if (!Array.isArray(permissions)) return false;
    const granted = [...(await this.#access(user)).permissions];
    return permissions.some((permission) => isNonEmptyString(permission) && grantsPermission(granted, permission));
  }

  /** The mapped roles (Studio's "View as role"), named as upstream does (`admin` → `Admin`); `_default` is left out. */
  async getAvailableRoles(): Promise<Array<{ id: string; name: string }>> {
    return this.#mapper.roleIds().map((id) => ({ id, name: id.charAt(0).toUpperCase() + id.slice(1) }));
  }

  /** What a user holding only `roleId` would get: its mapping, else `_default`. */
  async getPermissionsForRole(roleId: string): Promise<string[]> {
    return isNonEmptyString(roleId) ? this.#mapper.permissionsForRole(roleId) : [];
  }

  /**
   * Forget every cached role lookup, including lookups in flight (for example after a role change);
   * with a `store`, in every instance (the promise settles when the store has it; never rejects).
   */
  clearCache(): Promise<void> {
    return this.#cache.clear();
  }

  /** Forget one user's cached role lookups in every organization (and, with a `store`, every instance). */
  clearUserCache(userId: string): Promise<void> {
    const prefix = accessKey(userId, '');
    return this.#cache.invalidateGroup(userId, (key) => key.startsWith(prefix));
  }

  /** Same as {@link clearUserCache}: the name every invalidatable provider of this package shares. */
  invalidateUser(userId: string): Promise<void> {
    return this.clearUserCache(userId);
  }

  /** The WorkOS client this provider uses. */
  getWorkOS(): WorkOS {
    return this.#workos;
  }

  /** Upstream's cache statistics: entries held and the bound. */
  getCacheStats(): { size: number; maxSize: number } {
    return { size: this.#cache.size, maxSize: this.#cache.maxSize };
  }

  getStats(): MastraRBACWorkosStats {
    return { workosApiCalls: this.#gateway.calls, cachedEntries: this.#cache.size };
  }

  async #access(user: unknown): Promise<ResolvedAccess> {
    const source = planRoleLookup(user, this.#settings.organizationId);
    if (source.kind === 'none') return NO_ACCESS;
    if (source.kind === 'known') return this.#resolve(source.roles);
    const key = accessKey(source.userId, source.organizationId);
    try {
      return await this.#cache.load(key, async () =>
        this.#resolve(await this.#memberships.rolesOf(source.userId, source.organizationId)),
      );
    } catch (error) {
      this.#reportFailure(error);
      return NO_ACCESS;
    }
  }

  /** Roles → permissions. No roles → `_default` (never used for a failed lookup: that is NO_ACCESS). */
  #resolve(roles: readonly string[]): ResolvedAccess {
    return Object.freeze({
      roles: Object.freeze([...roles]),
      permissions: Object.freeze(this.#mapper.permissionsForRoles(roles)),
    });
  }

  #reportFailure(error: unknown): void {
    // Upstream failures were logged once by the gateway; a fail-fast while rate-limited is not news.
    if (error instanceof WorkOSRBACError) return;
    // A bug or an unexpected answer: still deny, but say so loudly (never with user data).
    const name = error instanceof Error ? error.name : typeof error;
    this.#log.log('error', 'unexpected', 'MastraRBACWorkos: role lookup failed unexpectedly; denying', { error: name });
  }
}
