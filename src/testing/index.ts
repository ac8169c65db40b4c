/**
 * `@mastra/auth-workos/testing`: an offline WorkOS emulator for your tests.
 *
 * ```ts
 * import { startWorkOSEmulator } from '@mastra/auth-workos/testing';
 *
 * const emu = await startWorkOSEmulator();
 * const workos = emu.createWorkOSClient(); // the real SDK, talking to the emulator
 * ```
 *
 * See `WorkOSEmulator` for seeding data, minting tokens, counting calls and injecting faults.
 *
 * @packageDocumentation
 */
export { startWorkOSEmulator, WorkOSEmulator } from './emulator';
export { EmulatorApiError } from './errors';
export type { EmulatorSessionInfo } from './sessions';
export { ManualClock } from './clock';
export { startMastraServer, type MastraLike, type RunningMastraServer, type StartMastraServerOptions } from './mastra-server';
export { signWebhookBody } from './webhooks';
export type { EmulatorPermission } from './authorization';
export type {
  AssignRoleInput,
  CreateDirectoryGroupInput,
  CreateDirectoryInput,
  CreateDirectoryUserInput,
  CreateMembershipInput,
  CreateOrganizationInput,
  CreateResourceInput,
  CreateUserInput,
  DefineRoleInput,
  EmulatorAuditEvent,
  EmulatorAuditExport,
  EmulatorCall,
  EmulatorDirectory,
  EmulatorDirectoryGroup,
  EmulatorDirectorySyncEvent,
  EmulatorDirectoryUser,
  EmulatorFault,
  EmulatorJwk,
  EmulatorMembership,
  EmulatorOrganization,
  EmulatorOrganizationDomain,
  EmulatorPortalLink,
  EmulatorResource,
  EmulatorRole,
  EmulatorRoleAssignment,
  EmulatorRoute,
  EmulatorUser,
  EmulatorWebhookDelivery,
  IssueAuthorizationCodeInput,
  MembershipStatus,
  MintAccessTokenInput,
  RotateKeysOptions,
  SendWebhookOptions,
  UpdateDirectoryUserInput,
  UpdateMembershipInput,
  UpdateUserInput,
  WorkOSEmulatorConnection,
  WorkOSEmulatorOptions,
} from './types';
