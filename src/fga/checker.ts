import type { FGACheckParams } from '@mastra/core/auth/ee';
import { isNonEmptyString } from '../shared/options';
import type { OrganizationMembership } from '@workos-inc/node';
import type { OncePerWindowLogger } from '../shared/log-once';
import type { WorkOSUser } from '../auth/user';
import { ReadThroughCache } from '../shared/read-through-cache';
import { jsonCodec } from '../shared/store';
import { storeTier } from '../shared/store-tier';
import { isUpstreamError } from '../shared/errors';
import { WORKOS_PAGE_SIZE as PAGE_SIZE, type WorkOSGateway } from '../shared/gateway';
import { mapBounded } from './bounded';
import { resolveMembership, type ResolvedMembership } from './membership';
import type { ResolvedFGASettings, WorkOSFGAResourceMapping } from './options';
import { mapPermission, mappingFor, resolveParent, resolveTarget, ResourceHookError, type ResourceTarget } from './resource-target';

/** Why a check denied. Stable strings: logs, metrics and tests key on them. */
export type FGADenyReason =
  /** No user, or malformed check parameters. */
  | 'invalid_request'
  /** The user has no usable organization membership, so no check could run. */
  | 'membership_unresolved'
  /** `deriveId` threw (one yielding nothing falls back to the raw Mastra resource id). */
  | 'resource_unresolved'
  /** WorkOS answered `authorized: false` for every permission. */
  | 'permission_denied'
  /** WorkOS does not know the resource (404) and `publicByDefault` is off. */
  | 'resource_not_registered'
  /** A 404 with `publicByDefault` on, but the membership is not an active one of the organization in use. */
  | 'membership_not_found'
  /** WorkOS failed, timed out or rate-limited us: fail closed. */
  | 'upstream_unavailable';

/** The outcome of a check, with its reason. */
export type FGADecision =
  | { allowed: true; reason: 'permission_granted' | 'public_by_default' | 'covered_by_agent_check' }
  | { allowed: false; reason: FGADenyReason };

/**
 * Workflows Mastra runs inside every agent call (the agentic loop and its nested execution step).
 * Mastra 1.x asks FGA for `workflows:execute` on them after the agent's own `agents:execute` check.
 */
export const AGENT_INTERNAL_WORKFLOW_IDS: ReadonlySet<string> = new Set([
  'executionWorkflow',
  'agentic-loop',
  'durable-agentic-execution',
  'durable-agentic-loop',
]);

/** Scope key set once an `agents:execute` check passed in a request. */
const AGENT_EXECUTION_GRANTED = 'agent-execution-granted';

type SlugOutcome = 'authorized' | 'unauthorized' | 'not_found';

/** Calls shared within one scope (one request, or one `filterAccessible`): asked once, answered once. */
type ScopeMemo = Map<string, Promise<unknown>>;

const DENY = (reason: FGADenyReason): FGADecision => ({ allowed: false, reason });
const ALLOW_GRANTED: FGADecision = { allowed: true, reason: 'permission_granted' };
const ALLOW_PUBLIC: FGADecision = { allowed: true, reason: 'public_by_default' };
const ALLOW_COVERED: FGADecision = { allowed: true, reason: 'covered_by_agent_check' };
/** Internal to `filterAccessible`: the item was not checked because the call's check budget ran out. */
const OVER_BUDGET: FGADecision = { allowed: false, reason: 'permission_denied' };
/** Internal to `filterAccessible`: the item was never started (budget spent, or WorkOS failing). */
const NOT_STARTED: FGADecision = { allowed: false, reason: 'upstream_unavailable' };

/** WorkOS checks one `filterAccessible` call may still make (`filterMaxChecks`). */
interface CheckBudget {
  remaining: number;
}

/** The permissions of a check as a non-empty list, or `undefined` when malformed. */
function permissionList(permission: unknown): string[] | undefined {
  const list = Array.isArray(permission) ? permission : [permission];
  return list.length > 0 && list.every(isNonEmptyString) ? list : undefined;
}

function targetKey(target: ResourceTarget): string {
  return `${target.resourceTypeSlug}\u0000${target.externalId}`;
}

export interface CheckerDeps {
  api: WorkOSGateway;
  settings: ResolvedFGASettings;
  log: OncePerWindowLogger;
}

/**
 * Decides FGA checks against the WorkOS Authorization API. A permission list is ANY-of, tried in
 * order until one is granted. Identical calls are shared within a scope (a request context, or one
 * `filterAccessible`), coalesced while in flight, and cached across requests only when enabled.
 */
export class FGAChecker {
  readonly #api: WorkOSGateway;
  readonly #settings: ResolvedFGASettings;
  readonly #log: OncePerWindowLogger;
  readonly #checks: ReadThroughCache<string, SlugOutcome>;
  readonly #memberships: ReadThroughCache<string, boolean>;
  /** Per-request memo, keyed by Mastra's request context object (dropped with the request). */
  readonly #requestScopes = new WeakMap<object, ScopeMemo>();

  constructor(deps: CheckerDeps) {
    this.#api = deps.api;
    this.#settings = deps.settings;
    this.#log = deps.log;
    const { cache, clock, store, connection } = deps.settings;
    const shared = { clientId: connection.clientId, component: 'fga', log: deps.log };
    const key = (value: string): string => value.split('\u0000').map(encodeURIComponent).join(':');
    this.#checks = new ReadThroughCache(
      cache,
      clock,
      storeTier(store, {
        ...shared,
        cache: 'check',
        codec: jsonCodec<string, SlugOutcome>({
          key,
          revive: (parsed) => {
            if (parsed !== 'authorized' && parsed !== 'unauthorized' && parsed !== 'not_found') throw new TypeError('not a check outcome');
            return parsed;
          },
        }),
      }),
    );
    this.#memberships = new ReadThroughCache(
      cache,
      clock,
      storeTier(store, {
        ...shared,
        cache: 'membership',
        codec: jsonCodec<string, boolean>({
          key,
          revive: (parsed) => {
            if (typeof parsed !== 'boolean') throw new TypeError('not a membership answer');
            return parsed;
          },
        }),
      }),
    );
  }

  /** Forget cached results (after a role or resource change); with a store, in every instance. */
  async invalidate(): Promise<void> {
    await Promise.all([this.#checks.clear(), this.#memberships.clear()]);
  }

  async decide(user: WorkOSUser, params: FGACheckParams): Promise<FGADecision> {
    if (typeof user !== 'object' || user === null || typeof params !== 'object' || params === null) return DENY('invalid_request');
    const resource = params.resource as unknown;
    if (typeof resource !== 'object' || resource === null) return DENY('invalid_request');
    const { type, id } = resource as { type?: unknown; id?: unknown };
    const permissions = permissionList(params.permission);
    if (!isNonEmptyString(type) || !isNonEmptyString(id) || !permissions) return DENY('invalid_request');

    const requestContext = params.context?.requestContext;
    const scope = this.#scopeOf(requestContext);
    // Mastra's own agent workflows are covered by the agent check this request already passed (for this user).
    const agentGrantKey = `${AGENT_EXECUTION_GRANTED}\u0000${String(user.id)}`;
    if (type === 'workflow' && AGENT_INTERNAL_WORKFLOW_IDS.has(id) && !this.#settings.checkInternalWorkflows && scope.has(agentGrantKey)) {
      return ALLOW_COVERED;
    }

    const membership = this.#membershipOf(user);
    if (!membership) return DENY('membership_unresolved');

    let target: ResourceTarget | undefined;
    try {
      target = resolveTarget(mappingFor(this.#settings.resourceMapping, type), {
        user,
        resource: { type, id },
        resourceId: isNonEmptyString(params.context?.resourceId) ? params.context.resourceId : id,
        requestContext,
      });
    } catch (error) {
      this.#reportHookFailure(error);
      return DENY('resource_unresolved');
    }
    if (!target) return DENY('resource_unresolved'); // unreachable: `id` is a non-empty string
    const decision = await this.#evaluate(membership, target, this.#slugsOf(permissions), scope);
    if (decision.allowed && type === 'agent' && permissions.length === 1 && permissions[0] === 'agents:execute') {
      scope.set(agentGrantKey, Promise.resolve(true));
    }
    return decision;
  }

  /**
   * The items the user may access: one listing under a derivable parent, else per-item checks
   * with at most `filterConcurrency` in flight and `filterMaxChecks` in total. Fails closed:
   * anything not confirmed is dropped.
   */
  async filter<T extends { id: string }>(user: WorkOSUser, items: T[], resourceType: string, permission: unknown): Promise<T[]> {
    if (!Array.isArray(items) || items.length === 0) return [];
    const candidates = items.filter((item) => typeof item === 'object' && item !== null && isNonEmptyString(item.id));
    const slugs = permissionList(permission);
    if (candidates.length === 0 || !slugs || !isNonEmptyString(resourceType) || typeof user !== 'object' || user === null) return [];

    const membership = this.#membershipOf(user);
    if (!membership) return [];

    const mapping = mappingFor(this.#settings.resourceMapping, resourceType);
    const workosSlugs = this.#slugsOf(slugs);
    const scope: ScopeMemo = new Map();
    let parent: ResourceTarget | undefined;
    try {
      parent = resolveParent(mapping, user);
    } catch (error) {
      this.#reportHookFailure(error);
    }
    if (parent && mapping) {
      const viaParent = await this.#filterUnderParent(candidates, user, resourceType, membership, mapping, parent, workosSlugs, scope);
      if (viaParent) return viaParent;
    }
    return this.#filterEach(candidates, user, resourceType, mapping, membership, workosSlugs, scope);
  }

  #membershipOf(user: WorkOSUser): ResolvedMembership | undefined {
    const membership = resolveMembership(user, this.#settings.organizationId);
    if (!membership) {
      this.#log.log(
        'warn',
        'membership_unresolved',
        'WorkOS FGA: the user has no organization membership for the organization in use; denying. ' +
          'Enable `fetchMemberships: true` on MastraAuthWorkos and set `organizationId` if users belong to several organizations.',
        { ...(this.#settings.organizationId && { organizationId: this.#settings.organizationId }) },
      );
    }
    return membership;
  }

  #slugsOf(permissions: string[]): string[] {
    return [...new Set(permissions.map((permission) => mapPermission(this.#settings.permissionMapping, permission)))];
  }

  #scopeOf(requestContext: unknown): ScopeMemo {
    if (typeof requestContext !== 'object' || requestContext === null) return new Map();
    let scope = this.#requestScopes.get(requestContext);
    if (!scope) {
      scope = new Map();
      this.#requestScopes.set(requestContext, scope);
    }
    return scope;
  }

  #reportHookFailure(error: unknown): void {
    const hook = error instanceof ResourceHookError ? error.message : 'resourceMapping hook';
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.name : typeof error;
    this.#log.log('error', 'hook_failed', `WorkOS FGA: ${hook}; denying`, { error: cause });
  }

  /** ANY-of over the slugs; a WorkOS failure never grants, but a later granted slug still does. */
  async #evaluate(
    membership: ResolvedMembership,
    target: ResourceTarget,
    slugs: string[],
    scope: ScopeMemo,
    budget?: CheckBudget,
  ): Promise<FGADecision> {
    let failed = false;
    let notFound = 0;
    for (const slug of slugs) {
      if (budget) {
        if (budget.remaining <= 0) return OVER_BUDGET;
        budget.remaining -= 1;
      }
      let outcome: SlugOutcome;
      try {
        outcome = await this.#checkSlug(membership, target, slug, scope);
      } catch {
        failed = true; // logged where it happened
        continue;
      }
      if (outcome === 'authorized') return ALLOW_GRANTED;
      if (outcome === 'not_found') notFound += 1;
    }
    if (failed) return DENY('upstream_unavailable');
    if (notFound < slugs.length) return DENY('permission_denied');
    return this.#unregistered(membership, target, scope);
  }

  /** Every attempt was a 404: `publicByDefault` decides, but only for a confirmed, active membership. */
  async #unregistered(membership: ResolvedMembership, target: ResourceTarget, scope: ScopeMemo): Promise<FGADecision> {
    const context = { resourceType: target.resourceTypeSlug, externalId: target.externalId };
    if (!this.#settings.publicByDefault) {
      this.#log.log('warn', 'resource_not_registered', 'WorkOS FGA: resource not registered in WorkOS; denying (publicByDefault is off)', context);
      return DENY('resource_not_registered');
    }
    // WorkOS answers 404 for an unknown membership too: make sure it was the resource that was missing.
    let active: boolean;
    try {
      active = await this.#confirmMembership(membership, scope);
    } catch {
      return DENY('upstream_unavailable');
    }
    if (!active) {
      this.#log.log('warn', 'membership_not_found', 'WorkOS FGA: the organization membership is unknown or inactive; denying', {});
      return DENY('membership_not_found');
    }
    this.#log.log('info', 'resource_public_by_default', 'WorkOS FGA: resource not registered in WorkOS; allowed by publicByDefault', context);
    return ALLOW_PUBLIC;
  }

  #checkSlug(membership: ResolvedMembership, target: ResourceTarget, slug: string, scope: ScopeMemo): Promise<SlugOutcome> {
    const key = `check\u0000${membership.organizationMembershipId}\u0000${targetKey(target)}\u0000${slug}`;
    return this.#inScope(scope, key, () =>
      this.#checks.load(key, async () => {
        try {
          const result = await this.#api.call('authorization.check', (workos) =>
            workos.authorization.check({
              organizationMembershipId: membership.organizationMembershipId,
              permissionSlug: slug,
              resourceExternalId: target.externalId,
              resourceTypeSlug: target.resourceTypeSlug,
            }),
          );
          return result?.authorized === true ? 'authorized' : 'unauthorized';
        } catch (error) {
          if (isUpstreamError(error) && error.kind === 'not_found') return 'not_found';
          throw error;
        }
      }),
    );
  }

  #confirmMembership(membership: ResolvedMembership, scope: ScopeMemo): Promise<boolean> {
    const id = membership.organizationMembershipId;
    const key = `membership\u0000${id}`;
    return this.#inScope(scope, key, () =>
      this.#memberships.load(key, async () => {
        let found: OrganizationMembership;
        try {
          found = await this.#api.call('getOrganizationMembership', (workos) => workos.userManagement.getOrganizationMembership(id));
        } catch (error) {
          if (isUpstreamError(error) && error.kind === 'not_found') return false;
          throw error;
        }
        const organizationId = this.#settings.organizationId ?? membership.organizationId;
        return found.status === 'active' && (organizationId === undefined || found.organizationId === organizationId);
      }),
    );
  }

  #inScope<V>(scope: ScopeMemo, key: string, load: () => Promise<V>): Promise<V> {
    const shared = scope.get(key) as Promise<V> | undefined;
    if (shared) return shared;
    const promise = load();
    promise.catch(() => undefined); // a failure is read by whoever awaits it; never unhandled here
    scope.set(key, promise);
    return promise;
  }

  /**
   * One listing of what the membership may access under the parent (per permission, every page).
   * `undefined` when the parent itself is not registered (404): the caller falls back to per-item checks.
   */
  async #filterUnderParent<T extends { id: string }>(
    candidates: T[],
    user: WorkOSUser,
    resourceType: string,
    membership: ResolvedMembership,
    mapping: WorkOSFGAResourceMapping,
    parent: ResourceTarget,
    slugs: string[],
    scope: ScopeMemo,
  ): Promise<T[] | undefined> {
    const accessible = new Set<string>();
    try {
      for (const slug of slugs) {
        const { items, complete } = await this.#api.listAll('authorization.listResourcesForMembership', (workos, after) =>
          workos.authorization.listResourcesForMembership({
            organizationMembershipId: membership.organizationMembershipId,
            permissionSlug: slug,
            parentResourceExternalId: parent.externalId,
            parentResourceTypeSlug: parent.resourceTypeSlug,
            limit: PAGE_SIZE,
            ...(after && { after }),
          }),
        );
        if (!complete) this.#warnTruncated('listResourcesForMembership');
        for (const resource of items) {
          if (resource.resourceTypeSlug === mapping.fgaResourceType) accessible.add(resource.externalId);
        }
      }
    } catch (error) {
      if (isUpstreamError(error) && error.kind === 'not_found') {
        this.#log.log('debug', 'parent_not_registered', 'WorkOS FGA: parent resource not registered; checking items one by one', {
          resourceType: parent.resourceTypeSlug,
        });
        return undefined;
      }
      return []; // fail closed; logged where it happened
    }

    // The listing names WorkOS external ids: compare each item's derived id, never its raw Mastra id.
    const derived = this.#derivedIds(candidates, user, resourceType, mapping);
    const named = candidates.filter((item) => derived.has(item));
    const isAccessible = (item: T) => accessible.has(derived.get(item) as string);
    const granted = named.filter(isAccessible);
    if (!this.#settings.publicByDefault || granted.length === named.length) return granted;
    const unregistered = await this.#unregisteredAmong(named, derived, membership, mapping, accessible, scope);
    return named.filter((item) => isAccessible(item) || unregistered.has(derived.get(item) as string));
  }

  /**
   * Each item's WorkOS external id under the mapping: `deriveId` of that item, else its raw id.
   * Items whose hook throws are left out (denied).
   */
  #derivedIds<T extends { id: string }>(
    candidates: T[],
    user: WorkOSUser,
    resourceType: string,
    mapping: WorkOSFGAResourceMapping,
  ): Map<T, string> {
    const derived = new Map<T, string>();
    for (const item of candidates) {
      try {
        const target = resolveTarget(mapping, { user, resource: { type: resourceType, id: item.id }, resourceId: item.id });
        derived.set(item, target?.externalId ?? item.id);
      } catch (error) {
        this.#reportHookFailure(error);
      }
    }
    return derived;
  }

  /** With `publicByDefault`: the derived ids of the candidates WorkOS has no resource for (one listing of the type). */
  async #unregisteredAmong<T extends { id: string }>(
    candidates: T[],
    derived: Map<T, string>,
    membership: ResolvedMembership,
    mapping: WorkOSFGAResourceMapping,
    accessible: Set<string>,
    scope: ScopeMemo,
  ): Promise<Set<string>> {
    const organizationId = this.#settings.organizationId ?? membership.organizationId;
    if (organizationId === undefined) return new Set();
    let registered: Set<string>;
    try {
      const { items, complete } = await this.#api.listAll('authorization.listResources', (workos, after) =>
        workos.authorization.listResources({
          organizationId,
          resourceTypeSlug: mapping.fgaResourceType,
          limit: PAGE_SIZE,
          ...(after && { after }),
        }),
      );
      if (!complete) {
        this.#warnTruncated('listResources');
        return new Set(); // an unseen page may register any of them: open none
      }
      registered = new Set(items.map((resource) => resource.externalId));
      const unregistered = candidates
        .map((item) => derived.get(item) as string)
        .filter((externalId) => !accessible.has(externalId) && !registered.has(externalId));
      if (unregistered.length === 0 || !(await this.#confirmMembership(membership, scope))) return new Set();
      this.#log.log('info', 'resource_public_by_default', 'WorkOS FGA: resources not registered in WorkOS; allowed by publicByDefault', {
        resourceType: mapping.fgaResourceType,
        count: unregistered.length,
      });
      return new Set(unregistered);
    } catch {
      return new Set(); // fail closed
    }
  }

  async #filterEach<T extends { id: string }>(
    candidates: T[],
    user: WorkOSUser,
    resourceType: string,
    mapping: WorkOSFGAResourceMapping | undefined,
    membership: ResolvedMembership,
    slugs: string[],
    scope: ScopeMemo,
  ): Promise<T[]> {
    // Items naming the same WorkOS resource share one decision.
    const targets = new Map<string, ResourceTarget>();
    const keyOfItem = new Map<T, string>();
    for (const item of candidates) {
      let target: ResourceTarget | undefined;
      try {
        target = resolveTarget(mapping, { user, resource: { type: resourceType, id: item.id }, resourceId: item.id });
      } catch (error) {
        this.#reportHookFailure(error);
      }
      if (!target) continue;
      const key = targetKey(target);
      targets.set(key, target);
      keyOfItem.set(item, key);
    }

    let upstreamFailed = false;
    // Bounded in total, not only in flight: past `filterMaxChecks` WorkOS checks the rest is denied.
    const budget: CheckBudget = { remaining: this.#settings.filterMaxChecks };
    const keys = [...targets.keys()];
    const decisions = await mapBounded(
      keys,
      this.#settings.filterConcurrency,
      async (key) => {
        const decision = await this.#evaluate(membership, targets.get(key) as ResourceTarget, slugs, scope, budget);
        // A failing WorkOS gets no more calls from this listing; the rest is denied.
        if (!decision.allowed && decision.reason === 'upstream_unavailable') upstreamFailed = true;
        return decision;
      },
      { shouldStop: () => upstreamFailed || budget.remaining <= 0, skipped: NOT_STARTED },
    );
    const allowed = new Set(keys.filter((_, index) => decisions[index]?.allowed === true));
    const unchecked = new Set(keys.filter((_, index) => decisions[index] === OVER_BUDGET || decisions[index] === NOT_STARTED));
    if (!upstreamFailed && unchecked.size > 0) {
      const denied = candidates.filter((item) => unchecked.has(keyOfItem.get(item) as string)).length;
      this.#log.log(
        'warn',
        'filter_budget_exhausted',
        `WorkOS FGA: filterAccessible reached filterMaxChecks (${this.#settings.filterMaxChecks} WorkOS checks) and denied the ` +
          'remaining items unchecked. Map a parent (`resourceMapping[type].parentFgaResourceType` with `deriveParentId`) so one ' +
          'listing answers for every item, or raise `filterMaxChecks`.',
        { resourceType, items: candidates.length, checked: this.#settings.filterMaxChecks - budget.remaining, denied },
      );
    }
    return candidates.filter((item) => {
      const key = keyOfItem.get(item);
      return key !== undefined && allowed.has(key);
    });
  }

  #warnTruncated(operation: string): void {
    this.#log.log('warn', 'list_truncated', `WorkOS FGA: ${operation} returned more pages than allowed; the rest is treated as inaccessible`, {});
  }
}
