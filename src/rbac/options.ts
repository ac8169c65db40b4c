import type { IMastraLogger } from '@mastra/core/logger';
import type { PermissionPattern } from '@mastra/core/auth/ee';
import type { CacheSettings } from '../shared/cached-loader';
import { WorkOSConfigError } from '../shared/config-error';
import type { WorkOSConnectionOptions } from '../shared/workos-connection';
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
  /** Longest a resolved role set is served, in ms. Default 60 000. */
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
  /** Bound on each WorkOS API call, in ms. Default 5000. */
  requestTimeoutMs?: number;
  /** Logger for upstream trouble; default: Mastra's logger for this component. */
  logger?: IMastraLogger;
}

/** Every option with its default applied: the one place defaults live. */
export interface ResolvedRBACSettings {
  /** `roleMapping`, validated and copied. */
  roleMapper: RoleMapper;
  organizationId: string | undefined;
  cache: CacheSettings | false;
  requestTimeoutMs: number;
}

export const DEFAULT_PERMISSION_CACHE: CacheSettings = { maxSize: 1000, ttlMs: 60_000 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

const COMPONENT = 'MastraRBACWorkos';

function positive(option: string, value: unknown, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new WorkOSConfigError(
      option,
      `${COMPONENT}: \`${option}\` must be a positive ${integer ? 'whole number' : 'number'}, got ${String(value)}.`,
    );
  }
  return value;
}

function resolveCache(cache: MastraRBACWorkosOptions['cache']): CacheSettings | false {
  if (cache === false) return false;
  if (cache !== undefined && (cache === null || typeof cache !== 'object')) {
    throw new WorkOSConfigError('cache', `${COMPONENT}: \`cache\` must be \`false\` or \`{ maxSize?, ttlMs? }\`.`);
  }
  return {
    maxSize: positive('cache.maxSize', cache?.maxSize, DEFAULT_PERMISSION_CACHE.maxSize, true),
    ttlMs: positive('cache.ttlMs', cache?.ttlMs, DEFAULT_PERMISSION_CACHE.ttlMs),
  };
}

function resolveOrganizationId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WorkOSConfigError(
      'organizationId',
      `${COMPONENT}: \`organizationId\` must be a WorkOS organization id (org_…) or be left out.`,
    );
  }
  return value.trim();
}

/** Validates the options (connection aside) and applies defaults. */
export function resolveRBACSettings(options: MastraRBACWorkosOptions): ResolvedRBACSettings {
  if (options === null || typeof options !== 'object') {
    throw new WorkOSConfigError('roleMapping', `${COMPONENT}: options with a \`roleMapping\` are required.`);
  }
  return {
    roleMapper: new RoleMapper(options.roleMapping),
    organizationId: resolveOrganizationId(options.organizationId),
    cache: resolveCache(options.cache),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
  };
}
