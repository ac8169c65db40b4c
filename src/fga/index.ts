export { MastraFGAWorkos, type MastraFGAWorkosStats } from './provider';
export type { MastraFGAWorkosOptions, WorkOSFGAResourceMapping, FGAResourceContext } from './options';
export type { FGADecision, FGADenyReason } from './checker';
export {
  WorkOSFGAError,
  WorkOSFGAResourceNotFoundError,
  WorkOSFGAMembershipResolutionError,
  WorkOSFGARequestError,
  WorkOSFGAUpstreamError,
  type WorkOSFGAErrorCode,
  type MissingResource,
} from './errors';
export { toFGAResource, toFGARoleAssignment } from './manager';
