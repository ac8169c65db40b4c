import type { User } from '@workos-inc/node';
import { decodeJwt, type JWTPayload } from 'jose';

/**
 * What the sealed cookie holds. Written as `{ accessToken, refreshToken, user, organizationId?,
 * impersonator? }`; read from any of the three layouts in use (authkit-session, upstream, the SDK's
 * `sealSessionDataFromAuthenticationResponse`), which differ only in optional members.
 */
export interface SessionData {
  accessToken: string;
  refreshToken: string;
  user: User;
  organizationId?: string | undefined;
  impersonator?: unknown;
  authenticationMethod?: string | undefined;
}

/** A well-formed session payload, or `undefined`. */
export function asSessionData(value: unknown): SessionData | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const data = value as Record<string, unknown>;
  const user = data.user as Record<string, unknown> | undefined;
  if (typeof data.accessToken !== 'string' || data.accessToken === '') return undefined;
  if (typeof data.refreshToken !== 'string' || data.refreshToken === '') return undefined;
  if (user === null || typeof user !== 'object' || typeof user.id !== 'string' || user.id === '') return undefined;
  if (data.organizationId !== undefined && data.organizationId !== null && typeof data.organizationId !== 'string') return undefined;
  return {
    accessToken: data.accessToken,
    refreshToken: data.refreshToken,
    user: user as unknown as User,
    ...(typeof data.organizationId === 'string' && { organizationId: data.organizationId }),
    ...(data.impersonator !== undefined && data.impersonator !== null && { impersonator: data.impersonator }),
    ...(typeof data.authenticationMethod === 'string' && { authenticationMethod: data.authenticationMethod }),
  };
}

/** The access token's claims without verification (our own seal vouches for it), or `{}`. */
export function unverifiedClaims(accessToken: string): JWTPayload {
  try {
    return decodeJwt(accessToken);
  } catch {
    return {};
  }
}
