export * from './auth/index';
export * from './session/index';
export { WorkOSConfigError } from './shared/errors';
export type { WorkOSConnectionOptions } from './shared/workos-connection';
export * from './rbac/index';
export * from './fga/index';
