export * from './auth/index';
export { WorkOSConfigError } from './shared/errors';
export type { WorkOSConnectionOptions } from './shared/workos-connection';
export * from './rbac/index';
export * from './fga/index';
export * from './directory-sync/index';
export * from './portal/index';
export * from './audit/index';
export type { Invalidatable } from './shared/invalidation';
