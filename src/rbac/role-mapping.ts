import { ACTIONS, RESOURCES, type RoleMapping } from '@mastra/core/auth/ee';
import { WorkOSConfigError } from '../shared/errors';

/** The mapping key whose permissions every unmapped role receives. */
export const DEFAULT_ROLE_KEY = '_default';

/** `resource[:action[:id]]`, no blanks, no empty segments. */
const PATTERN_SHAPE = /^[^\s:]+(?::[^\s:]+){0,2}$/;

/** `stored` is a compound resource Mastra expands to every `stored-*` family. */
const KNOWN_RESOURCES = new Set<string>(['*', 'stored', ...RESOURCES]);
const KNOWN_ACTIONS = new Set<string>(['*', ...ACTIONS]);

/** Whether Mastra's built-in routes could ever require something this pattern grants. */
export function isKnownPermissionPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  const [resource, action] = pattern.split(':');
  return resource !== undefined && action !== undefined && KNOWN_RESOURCES.has(resource) && KNOWN_ACTIONS.has(action);
}

/**
 * A validated, immutable copy of `roleMapping`. Lookups use a `Map` (never the user's object) so
 * a role slug such as `constructor` or `__proto__` cannot reach `Object.prototype`.
 */
export class RoleMapper {
  readonly #byRole: ReadonlyMap<string, readonly string[]>;
  readonly #fallback: readonly string[];
  /** Patterns no built-in Mastra route checks (typos, or custom routes' own permissions). */
  readonly unknownPatterns: readonly string[];

  constructor(mapping: unknown) {
    this.#byRole = compileRoleMapping(mapping);
    this.#fallback = this.#byRole.get(DEFAULT_ROLE_KEY) ?? [];
    const unknown = new Set<string>();
    for (const patterns of this.#byRole.values()) {
      for (const pattern of patterns) if (!isKnownPermissionPattern(pattern)) unknown.add(pattern);
    }
    this.unknownPatterns = [...unknown];
  }

  /** Patterns of one role: its own entry, else `_default`. */
  permissionsForRole(role: string): string[] {
    return [...(this.#byRole.get(role) ?? this.#fallback)];
  }

  /**
   * Union of the roles' patterns, first-seen order, no duplicates. No roles at all → `_default`
   * (upstream: a user with no role still gets the default grant).
   */
  permissionsForRoles(roles: readonly string[]): string[] {
    if (roles.length === 0) return [...this.#fallback];
    const granted = new Set<string>();
    for (const role of roles) {
      for (const pattern of this.#byRole.get(role) ?? this.#fallback) granted.add(pattern);
    }
    return [...granted];
  }

  /** The mapped role slugs (without `_default`). */
  roleIds(): string[] {
    return [...this.#byRole.keys()].filter((role) => role !== DEFAULT_ROLE_KEY);
  }

  /** The mapping as Mastra's `RoleMapping` (a fresh copy). */
  toRoleMapping(): RoleMapping {
    const copy: Record<string, string[]> = {};
    for (const [role, patterns] of this.#byRole) copy[role] = [...patterns];
    return copy as RoleMapping;
  }
}

function invalid(option: string, message: string): WorkOSConfigError {
  return new WorkOSConfigError(option, `MastraRBACWorkos: ${message}`);
}

/** Checks the shape of `roleMapping` and copies it; errors name the offending key. */
export function compileRoleMapping(mapping: unknown): Map<string, readonly string[]> {
  if (mapping === undefined || mapping === null) {
    throw invalid(
      'roleMapping',
      '`roleMapping` is required: map WorkOS role slugs to Mastra permissions, ' +
        "e.g. { admin: ['*'], member: ['agents:read', 'workflows:*'], _default: [] }.",
    );
  }
  if (typeof mapping !== 'object' || Array.isArray(mapping)) {
    throw invalid('roleMapping', '`roleMapping` must be an object of role slug → permission list.');
  }
  const compiled = new Map<string, readonly string[]>();
  for (const [role, patterns] of Object.entries(mapping)) {
    const option = `roleMapping.${role}`;
    if (role.trim() === '') throw invalid(option, '`roleMapping` keys must be non-empty role slugs.');
    if (!Array.isArray(patterns)) {
      throw invalid(option, `\`${option}\` must be an array of permission patterns (use [] for none).`);
    }
    const unique = new Set<string>();
    for (const pattern of patterns as unknown[]) {
      if (typeof pattern !== 'string' || !PATTERN_SHAPE.test(pattern)) {
        throw invalid(
          option,
          `\`${option}\` has an invalid permission ${JSON.stringify(pattern)}: ` +
            "use '*', 'resource:action', 'resource:*', '*:action' or 'resource:action:id'.",
        );
      }
      unique.add(pattern);
    }
    compiled.set(role, Object.freeze([...unique]));
  }
  return compiled;
}
