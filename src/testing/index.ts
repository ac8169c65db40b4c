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
export type { EmulatorPermission } from './authorization';
export type {
  AssignRoleInput,
  CreateMembershipInput,
  CreateOrganizationInput,
  CreateResourceInput,
  CreateUserInput,
  DefineRoleInput,
  EmulatorCall,
  EmulatorFault,
  EmulatorJwk,
  EmulatorMembership,
  EmulatorOrganization,
  EmulatorOrganizationDomain,
  EmulatorResource,
  EmulatorRole,
  EmulatorRoleAssignment,
  EmulatorRoute,
  EmulatorUser,
  IssueAuthorizationCodeInput,
  MembershipStatus,
  MintAccessTokenInput,
  RotateKeysOptions,
  UpdateMembershipInput,
  UpdateUserInput,
  WorkOSEmulatorConnection,
  WorkOSEmulatorOptions,
} from './types';
