export { MastraAuthWorkos, type MastraAuthWorkosStats } from './provider';
export type { MastraAuthWorkosOptions } from './options';
export type { WorkOSJwtClaimsConfig } from './claims';
export { mapWorkOSUserToEEUser, type WorkOSUser } from './user';
export { WorkOSAuthError, isWorkOSAuthError, type AuthFailureCode } from './errors';
