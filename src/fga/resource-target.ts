import type { WorkOSUser } from '../auth/user';
import type { FGAResourceContext, WorkOSFGAResourceMapping } from './options';

/** A WorkOS authorization resource named by type and external id, as checks address it. */
export interface ResourceTarget {
  resourceTypeSlug: string;
  externalId: string;
}

/** A mapping hook threw; the check is denied and the cause logged. */
export class ResourceHookError extends Error {
  constructor(hook: string, options: { cause: unknown }) {
    super(`resourceMapping ${hook} threw`, options);
    this.name = 'ResourceHookError';
  }
}

/** The mapping for a Mastra resource type; upstream configurations use plural keys (`agents`). */
export function mappingFor(
  resourceMapping: Readonly<Record<string, WorkOSFGAResourceMapping>>,
  resourceType: string,
): WorkOSFGAResourceMapping | undefined {
  if (Object.hasOwn(resourceMapping, resourceType)) return resourceMapping[resourceType];
  const plural = `${resourceType}s`;
  return Object.hasOwn(resourceMapping, plural) ? resourceMapping[plural] : undefined;
}

function derived(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function callHook(hook: string, run: () => unknown): string | undefined {
  try {
    return derived(run());
  } catch (error) {
    throw new ResourceHookError(hook, { cause: error });
  }
}

/**
 * The WorkOS resource a check on a Mastra resource addresses. `deriveId` yielding nothing
 * (`undefined`, `null`, `''`) falls back to the raw Mastra resource id, as upstream does; `undefined`
 * only when there is no id at all. Throws {@link ResourceHookError} when `deriveId` throws.
 */
export function resolveTarget(
  mapping: WorkOSFGAResourceMapping | undefined,
  context: Required<Pick<FGAResourceContext, 'user' | 'resource'>> & Omit<FGAResourceContext, 'user' | 'resource'>,
): ResourceTarget | undefined {
  const resourceTypeSlug = mapping?.fgaResourceType ?? context.resource.type;
  const deriveId = mapping?.deriveId;
  const externalId = (deriveId ? callHook('deriveId', () => deriveId(context)) : undefined) ?? derived(context.resource.id);
  return externalId === undefined ? undefined : { resourceTypeSlug, externalId };
}

/**
 * The parent under which `filterAccessible` can list accessible children in one call, or
 * `undefined` when the mapping names no parent type or no parent id can be derived for the user.
 */
export function resolveParent(mapping: WorkOSFGAResourceMapping | undefined, user: WorkOSUser): ResourceTarget | undefined {
  if (!mapping?.parentFgaResourceType) return undefined;
  const derive = mapping.deriveParentId ?? mapping.deriveId;
  if (!derive) return undefined;
  const externalId = callHook(mapping.deriveParentId ? 'deriveParentId' : 'deriveId', () => derive({ user }));
  return externalId === undefined ? undefined : { resourceTypeSlug: mapping.parentFgaResourceType, externalId };
}

/** Mastra permission → WorkOS permission slug (identity when unmapped). */
export function mapPermission(permissionMapping: Readonly<Record<string, string>>, permission: string): string {
  return Object.hasOwn(permissionMapping, permission) ? (permissionMapping[permission] ?? permission) : permission;
}
