export { MastraFGAWorkos, type MastraFGAWorkosStats } from './provider';
export type {
  MastraFGAWorkosOptions,
  MastraFGAPermissionMapping,
  WorkOSFGAResourceMapping,
  WorkOSFGAOwnershipOptions,
  ResolvedOwnership,
  FGAResourceContext,
  FGAResourceUser,
} from './options';
export type { FGAResourceTypeDescription } from './resource-types';
export type { RegisterResourceParams, RegisterResourceResult } from './registration';
export type { FGADecision, FGADenyReason } from './checker';
export {
  WorkOSFGAError,
  WorkOSFGAResourceNotFoundError,
  WorkOSFGAMembershipResolutionError,
  WorkOSFGARequestError,
  WorkOSFGAUpstreamError,
  type WorkOSFGAErrorCode,
  type MissingResource,
  type ResourceNotFoundOptions,
} from './errors';
export { toFGAResource, toFGARoleAssignment } from './manager';
