export * from './auth/index';
export * from './session/index';
export {
  WorkOSConfigError,
  WorkOSMastraError,
  WorkOSUpstreamError,
  isWorkOSMastraError,
  type UpstreamFailure,
  type UpstreamFailureKind,
} from './shared/errors';
export type { WorkOSClientLike, WorkOSConnectionOptions } from './shared/workos-connection';
export type { Clock } from './shared/clock';
export * from './rbac/index';
export * from './fga/index';
export * from './directory-sync/index';
export * from './portal/index';
export * from './audit/index';
export type { Invalidatable } from './shared/invalidation';
