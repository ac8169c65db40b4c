import type { FGARouteResolver, MastraFGAPermissionInput } from '@mastra/core/auth/ee';
import type { IMastraLogger } from '@mastra/core/logger';
import type { Clock } from '../shared/clock';
import { isNonEmptyString, isRecord, OptionValidator } from '../shared/options';
import type { CacheSettings } from '../shared/read-through-cache';
import type { SharedStore } from '../shared/store';
import { resolveWorkOSConnection, type ResolvedWorkOSConnection, type WorkOSConnectionOptions } from '../shared/workos-connection';
import type { WorkOSUser } from '../auth/user';

/**
 * The user as `deriveId` / `deriveParentId` see it: a {@link WorkOSUser} whose other properties
 * (custom fields an app added, raw token claims) can be read too, as upstream's `ctx.user.teamId`.
 */
export interface FGAResourceUser extends WorkOSUser {
  [property: string]: any;
}

/**
 * What `deriveId` / `deriveParentId` see. `resource` is the Mastra resource being checked; it is
 * absent when a parent is derived for `filterAccessible`.
 */
export interface FGAResourceContext {
  user: FGAResourceUser;
  /** The Mastra resource (`{ type, id }`) of a check; absent when deriving a parent. */
  resource?: { type: string; id: string };
  /**
   * The owning application resource id Mastra passed (`context.resourceId`, for example a thread's
   * owner), else the Mastra resource id; absent when deriving a parent.
   */
  resourceId?: string;
  /** Mastra's request context, when the caller passed one. */
  requestContext?: unknown;
}

/** How one Mastra resource type (`agent`, `workflow`, `tool`, `thread`, ...) maps onto WorkOS. */
export interface WorkOSFGAResourceMapping {
  /** WorkOS resource type slug the check is made against. */
  fgaResourceType: string;
  /**
   * External id of the WorkOS resource to check. Default: the Mastra resource id. Returning
   * `undefined` or `null` also falls back to the Mastra resource id (as upstream); a throw denies.
   */
  deriveId?: (context: FGAResourceContext) => string | undefined | null;
  /**
   * WorkOS resource type of the parent these resources are registered under. With a derivable
   * parent, `filterAccessible` asks WorkOS once for every accessible child instead of checking each.
   */
  parentFgaResourceType?: string;
  /** Upstream's alias of {@link parentFgaResourceType}; when both are set they must agree. */
  parentResourceTypeSlug?: string;
  /**
   * External id of that parent for a user (for example their team). Default: `deriveId` called
   * without a `resource` (the upstream convention).
   */
  deriveParentId?: (context: FGAResourceContext) => string | undefined | null;
}

/** Mastra permission (`agents:execute`) → WorkOS permission slug: the type of `permissionMapping`. */
export type MastraFGAPermissionMapping = Record<string, string>;

/** `ownership` option: make the creator of a resource registered with `registerResource` its owner. */
export interface WorkOSFGAOwnershipOptions {
  /** Turn owner assignment on. */
  enabled: boolean;
  /** Role assigned to the creator on the new resource. Default `'owner'`. */
  ownerRole?: string;
  /** Roles tried in order when the resource type has no `ownerRole`. Default `['admin', 'editor']`. */
  fallbackRoles?: string[];
}

/** The `ownership` property of an enabled provider: every default applied. */
export interface ResolvedOwnership {
  readonly enabled: true;
  readonly ownerRole: string;
  /** Frozen at runtime; typed as a plain list for code written against upstream. */
  readonly fallbackRoles: string[];
}

/** Options of {@link MastraFGAWorkos}. */
export interface MastraFGAWorkosOptions extends WorkOSConnectionOptions {
  /** Organization whose membership is checked. Default: the user's `organizationId`. */
  organizationId?: string;
  /** Mastra resource type → WorkOS resource. Unmapped types are checked as `{ type, id }` as is. Plural keys (`agents`) are accepted. */
  resourceMapping?: Record<string, WorkOSFGAResourceMapping>;
  /** Mastra permission (`agents:execute`) → WorkOS permission slug. Unmapped permissions are sent as is. */
  permissionMapping?: MastraFGAPermissionMapping;
  /** Allow resources that are not registered in WorkOS (a 404). Default `false`. Never applies without a membership. */
  publicByDefault?: boolean;
  /** Deny protected routes that carry no FGA metadata (Mastra's `IFGAProvider.requireForProtectedRoutes`). Default `false`. */
  requireForProtectedRoutes?: boolean;
  /** Audit protected routes without FGA metadata at startup: `true`/`'warn'` logs, `'error'` fails startup. */
  auditProtectedRoutes?: boolean | 'warn' | 'error';
  /** Global route → FGA resolver (Mastra's `IFGAProvider.resolveRouteFGA`). */
  resolveRouteFGA?: FGARouteResolver;
  /**
   * Startup check of the permissions Mastra may emit. `true`: every one must be in
   * `permissionMapping`, else startup fails listing the unmapped ones. A function is called as is.
   */
  validatePermissions?: boolean | ((permissions: MastraFGAPermissionInput[]) => void | Promise<void>);
  /** Logger for denials worth knowing about and WorkOS trouble. Default: Mastra's logger for this component. */
  logger?: IMastraLogger;
  /** Bound on each WorkOS call, in ms. Default 5000. */
  requestTimeoutMs?: number;
  /** Most per-item checks in flight at once in `filterAccessible`. Default 5. */
  filterConcurrency?: number;
  /**
   * Most WorkOS checks one `filterAccessible` call makes on the per-item path (no derivable
   * parent). Items past the budget are denied, with one warning recommending a parent mapping.
   * Default 500.
   */
  filterMaxChecks?: number;
  /**
   * Cache of check results across requests (LRU + TTL). Default `false`: every request asks WorkOS,
   * so a revoked role takes effect at once. Within one request identical checks are always shared.
   */
  cache?: false | Partial<CacheSettings>;
  /**
   * Mastra runs internal workflows (`executionWorkflow`, ...) inside every agent call and asks FGA
   * for `workflows:execute` on them. Default `false`: allowed when the same request already passed
   * the agent's `agents:execute` check. `true`: checked in WorkOS like any workflow.
   */
  checkInternalWorkflows?: boolean;
  /**
   * A store shared by every instance (`createRedisStore(redis)` from `@mastra/auth-workos/redis`).
   * With `cache` on, decisions are asked of WorkOS once per fleet, and role changes made through
   * this provider (or `invalidateCache()`) clear them in every instance. Unused with `cache: false`.
   */
  store?: SharedStore;
  /**
   * With `enabled`, `registerResource` assigns the creating user `ownerRole` (default `'owner'`) on
   * the new resource, else the first of `fallbackRoles` (default `['admin', 'editor']`) the type has.
   */
  ownership?: WorkOSFGAOwnershipOptions;
  /** Source of the current time for cache expiry and back-off (for tests). Default: the system clock. */
  clock?: Clock;
}

/** Every option with its default applied: the one place defaults live. */
export interface ResolvedFGASettings {
  organizationId: string | undefined;
  resourceMapping: Readonly<Record<string, WorkOSFGAResourceMapping>>;
  permissionMapping: Readonly<Record<string, string>>;
  publicByDefault: boolean;
  requestTimeoutMs: number;
  filterConcurrency: number;
  filterMaxChecks: number;
  cache: CacheSettings | false;
  checkInternalWorkflows: boolean;
  /** `undefined` unless `ownership.enabled`. */
  ownership: ResolvedOwnership | undefined;
  clock: Clock;
  connection: ResolvedWorkOSConnection;
  store: SharedStore | undefined;
}

/** Upper bound of `filterConcurrency`: more would be the unbounded fan-out this option exists to prevent. */
export const MAX_FILTER_CONCURRENCY = 50;
/** Default `filterMaxChecks`: WorkOS checks one `filterAccessible` call may make without a parent mapping. */
export const DEFAULT_FILTER_MAX_CHECKS = 500;
/** Default decision cache when enabled with `cache: {}`. */
export const DEFAULT_DECISION_CACHE: CacheSettings = { maxSize: 10_000, ttlMs: 10_000 };

const check: OptionValidator = new OptionValidator('MastraFGAWorkos');

function resolveResourceMapping(value: unknown): Record<string, WorkOSFGAResourceMapping> {
  if (value === undefined) return {};
  if (!isRecord(value)) check.fail('resourceMapping', '`resourceMapping` must be an object keyed by Mastra resource type.');
  const mapping: Record<string, WorkOSFGAResourceMapping> = {};
  for (const [type, entry] of Object.entries(value)) {
    const option = `resourceMapping.${type}`;
    if (!isRecord(entry)) check.fail(option, `\`${option}\` must be an object with \`fgaResourceType\`.`);
    check.optionalString(`${option}.fgaResourceType`, entry.fgaResourceType);
    if (entry.fgaResourceType === undefined) check.fail(`${option}.fgaResourceType`, `\`${option}.fgaResourceType\` is required.`);
    const parent = check.optionalString(`${option}.parentFgaResourceType`, entry.parentFgaResourceType);
    const alias = check.optionalString(`${option}.parentResourceTypeSlug`, entry.parentResourceTypeSlug);
    if (parent !== undefined && alias !== undefined && parent !== alias) {
      check.fail(
        `${option}.parentResourceTypeSlug`,
        `\`${option}.parentResourceTypeSlug\` is an alias of \`parentFgaResourceType\`; they disagree ('${alias}' vs '${parent}'). Set one.`,
      );
    }
    check.optionalFunction(`${option}.deriveId`, entry.deriveId);
    check.optionalFunction(`${option}.deriveParentId`, entry.deriveParentId);
    const parentType = parent ?? alias;
    mapping[type] = { ...(entry as unknown as WorkOSFGAResourceMapping), ...(parentType !== undefined && { parentFgaResourceType: parentType }) };
  }
  return mapping;
}

function resolveOwnership(value: unknown): ResolvedOwnership | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) check.fail('ownership', '`ownership` must be an object: `{ enabled, ownerRole?, fallbackRoles? }`.');
  const enabled = check.boolean('ownership.enabled', value.enabled, false);
  const ownerRole = check.optionalString('ownership.ownerRole', value.ownerRole) ?? 'owner';
  let fallbackRoles = ['admin', 'editor'];
  if (value.fallbackRoles !== undefined) {
    const list = value.fallbackRoles;
    if (!Array.isArray(list) || list.some((role) => !isNonEmptyString(role))) {
      check.fail('ownership.fallbackRoles', '`ownership.fallbackRoles` must be a list of role slugs (it may be empty).');
    }
    fallbackRoles = [...(list as string[])];
  }
  if (!enabled) return undefined;
  return Object.freeze({ enabled: true as const, ownerRole, fallbackRoles: Object.freeze(fallbackRoles) as string[] });
}

function resolvePermissionMapping(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) check.fail('permissionMapping', '`permissionMapping` must be an object: Mastra permission → WorkOS permission slug.');
  for (const [permission, slug] of Object.entries(value)) {
    check.optionalString(`permissionMapping.${permission}`, slug);
  }
  return { ...(value as Record<string, string>) };
}

/** Validates the options, resolves the connection and applies every default: the one place they live. */
export function resolveFGASettings(options: MastraFGAWorkosOptions): ResolvedFGASettings {
  if (!isRecord(options)) check.fail('options', 'options must be an object.');
  const audit = options.auditProtectedRoutes;
  if (audit !== undefined && typeof audit !== 'boolean' && audit !== 'warn' && audit !== 'error') {
    check.fail('auditProtectedRoutes', "`auditProtectedRoutes` must be true, false, 'warn' or 'error'.");
  }
  check.boolean('requireForProtectedRoutes', options.requireForProtectedRoutes, false);
  check.optionalFunction('resolveRouteFGA', options.resolveRouteFGA);
  const validate = options.validatePermissions;
  if (validate !== undefined && typeof validate !== 'boolean' && typeof validate !== 'function') {
    check.fail('validatePermissions', '`validatePermissions` must be true, false or a function.');
  }
  const requestTimeoutMs = check.requestTimeout(options.requestTimeoutMs);
  return {
    organizationId: check.optionalString('organizationId', options.organizationId),
    resourceMapping: resolveResourceMapping(options.resourceMapping),
    permissionMapping: resolvePermissionMapping(options.permissionMapping),
    publicByDefault: check.boolean('publicByDefault', options.publicByDefault, false),
    requestTimeoutMs,
    filterConcurrency: check.number('filterConcurrency', options.filterConcurrency, 5, { integer: true, max: MAX_FILTER_CONCURRENCY }),
    filterMaxChecks: check.number('filterMaxChecks', options.filterMaxChecks, DEFAULT_FILTER_MAX_CHECKS, { integer: true }),
    // Off unless asked for: every request asks WorkOS, so a revoked role takes effect at once.
    cache: check.cache('cache', options.cache, false),
    checkInternalWorkflows: check.boolean('checkInternalWorkflows', options.checkInternalWorkflows, false),
    ownership: resolveOwnership(options.ownership),
    clock: check.clock(options.clock),
    connection: resolveWorkOSConnection(options, { env: process.env, requestTimeoutMs, component: 'MastraFGAWorkos' }),
    store: check.store(options.store),
  };
}
