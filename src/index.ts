export * from './auth/index';
export * from './session/index';
export { WorkOSConfigError } from './shared/config-error';
export type { WorkOSConnectionOptions } from './shared/workos-connection';
export * from './rbac/index';
export * from './fga/index';
