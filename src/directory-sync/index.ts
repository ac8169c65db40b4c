export { WorkOSDirectorySync, type WebhookOutcome } from './directory-sync';
export type { WorkOSDirectorySyncOptions } from './options';
export type {
  DirectorySyncEventType,
  DirectorySyncGroupData,
  DirectorySyncGroupMembershipData,
  DirectorySyncHandlers,
  DirectorySyncUserData,
} from './events';
export { WorkOSWebhookHandlerError, WorkOSWebhookPayloadError, WorkOSWebhookSignatureError, type WebhookSignatureFailure } from './errors';
export { computeWebhookSignature, DEFAULT_SIGNATURE_TOLERANCE_MS } from './signature';
