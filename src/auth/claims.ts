/**
 * Which token claims feed which user fields when a user is built from a verified token
 * (`trustJwtClaims`) and where the organization context is read from. Values are claim names;
 * a name present as-is wins (URNs such as `urn:mastra:organization_membership_id` keep their
 * colons and dots), otherwise a dotted path walks nested objects (`ext.org.id`).
 */
export interface WorkOSJwtClaimsConfig {
  /** Mastra user id. Default `sub`. */
  userId?: string;
  /** WorkOS user id. Default: the resolved user id. */
  workosId?: string;
  /** Default `email`. */
  email?: string;
  /** Default `name`. */
  name?: string;
  /** Default `org_id`. */
  organizationId?: string;
  /** No default: set it when a custom JWT template carries the membership id. */
  organizationMembershipId?: string;
}

/** Reads a claim by exact name, else by dotted path. */
export function readClaim(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  if (!name.includes('.')) return undefined;
  let node: unknown = payload;
  for (const part of name.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A claim as a non-empty string, or `undefined`. */
export function readStringClaim(payload: Record<string, unknown>, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = readClaim(payload, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A claim as a list of strings (a single string becomes a one-item list), or `undefined`. */
export function readStringListClaim(payload: Record<string, unknown>, name: string): string[] | undefined {
  const value = readClaim(payload, name);
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value)) {
    const strings = value.filter((item): item is string => typeof item === 'string');
    return strings.length === value.length ? strings : undefined;
  }
  return undefined;
}
