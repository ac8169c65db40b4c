import type { IMastraLogger } from '@mastra/core/logger';
import type { PermissionPattern } from '@mastra/core/auth/ee';
import type { Clock } from '../shared/clock';
import { isRecord, nonEmptyString, OptionValidator } from '../shared/options';
import type { CacheSettings } from '../shared/read-through-cache';
import type { SharedStore } from '../shared/store';
import { resolveWorkOSConnection, type ResolvedWorkOSConnection, type WorkOSConnectionOptions } from '../shared/workos-connection';
import { RoleMapper } from './role-mapping';

/** A Mastra permission pattern; known patterns autocomplete, any string is accepted. */
export type PermissionPatternInput = PermissionPattern | (string & {});

/**
 * WorkOS role slug → Mastra permission patterns. `_default` applies to every role of the user
 * that has no entry of its own.
 */
export type WorkOSRoleMapping = Record<string, readonly PermissionPatternInput[]>;

/** Permission cache bounds. */
export interface PermissionCacheOptions {
  /** Most (user, organization) entries kept. Default 1000. */
  maxSize?: number;
  /** Longest a resolved role set is served, in ms. Default 60 000; at most 300 000. */
  ttlMs?: number;
}

/** Options of {@link MastraRBACWorkos}. */
export interface MastraRBACWorkosOptions extends WorkOSConnectionOptions {
  /** Required. WorkOS role slug → Mastra permissions; `_default` for unmapped roles. */
  roleMapping: WorkOSRoleMapping;
  /**
   * The organization whose roles count. Default: the user's organization (the token's `org_id`),
   * else the user's first active membership.
   */
  organizationId?: string;
  /** Cache of roles read from WorkOS. `false` disables it (concurrent lookups are still shared). */
  cache?: false | PermissionCacheOptions;
  /**
   * A store shared by every instance (`createRedisStore(redis)` from `@mastra/auth-workos/redis`):
   * roles are read from WorkOS once per fleet and invalidations reach every instance. Default: memory only.
   */
  store?: SharedStore;
  /** Bound on each WorkOS API call, in ms. Default 5000. */
  requestTimeoutMs?: number;
  /** Logger for upstream trouble; default: Mastra's logger for this component. */
  logger?: IMastraLogger;
  /** Source of the current time for cache expiry and back-off (for tests). Default: the system clock. */
  clock?: Clock;
}

/** Every option with its default applied: the one place defaults live. */
export interface ResolvedRBACSettings {
  /** `roleMapping`, validated and copied. */
  roleMapper: RoleMapper;
  organizationId: string | undefined;
  cache: CacheSettings | false;
  requestTimeoutMs: number;
  clock: Clock;
  connection: ResolvedWorkOSConnection;
  store: SharedStore | undefined;
}

export const DEFAULT_PERMISSION_CACHE: CacheSettings = { maxSize: 1000, ttlMs: 60_000 };

const COMPONENT = 'MastraRBACWorkos';

/** Validates the options, resolves the connection and applies every default: the one place they live. */
export function resolveRBACSettings(options: MastraRBACWorkosOptions): ResolvedRBACSettings {
  const check: OptionValidator = new OptionValidator(COMPONENT);
  if (!isRecord(options)) check.fail('roleMapping', 'options with a `roleMapping` are required.');
  const roleMapper = new RoleMapper(options.roleMapping);
  const organizationId = options.organizationId === undefined ? undefined : nonEmptyString(options.organizationId);
  if (options.organizationId !== undefined && organizationId === undefined) {
    check.fail('organizationId', '`organizationId` must be a WorkOS organization id (org_…) or be left out.');
  }
  const requestTimeoutMs = check.requestTimeout(options.requestTimeoutMs);
  return {
    roleMapper,
    organizationId,
    cache: check.cache('cache', options.cache, DEFAULT_PERMISSION_CACHE),
    requestTimeoutMs,
    clock: check.clock(options.clock),
    connection: resolveWorkOSConnection(options, { env: process.env, requestTimeoutMs, component: COMPONENT }),
    store: check.store(options.store),
  };
}
