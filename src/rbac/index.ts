export { MastraRBACWorkos, type MastraRBACWorkosStats } from './provider';
export type {
  MastraRBACWorkosOptions,
  PermissionCacheOptions,
  PermissionPatternInput,
  WorkOSRoleMapping,
} from './options';
export { WorkOSRBACError, type RBACFailureCode } from './errors';
