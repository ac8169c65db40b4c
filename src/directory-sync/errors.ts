import { WorkOSMastraError } from '../shared/errors';

export { WorkOSWebhookSignatureError, type WebhookSignatureFailure } from './signature';

/** The body is not a WorkOS event (`{ id, event, data }` JSON); answer 400. */
export class WorkOSWebhookPayloadError extends WorkOSMastraError {
  declare readonly code: 'webhook_payload_invalid';

  constructor(message: string, options?: { cause?: unknown }) {
    super('webhook_payload_invalid', message, options);
    this.name = 'WorkOSWebhookPayloadError';
  }
}

/**
 * A handler (or a cache invalidation) failed; answer 5xx so WorkOS delivers the event again. The
 * event id is not remembered, so the retry runs the handler again.
 */
export class WorkOSWebhookHandlerError extends WorkOSMastraError {
  declare readonly code: 'webhook_handler_failed';
  /** The event id, e.g. `event_01…`. */
  readonly eventId: string;
  /** `dsync.user.deleted`, … */
  readonly event: string;
  /** The handler name (`onUserDeleted`, …) or `invalidate`. */
  readonly handler: string;

  constructor(event: { id: string; event: string }, handler: string, cause: unknown) {
    super('webhook_handler_failed', `WorkOSDirectorySync: ${handler} failed for ${event.event} (${event.id})`, { cause });
    this.name = 'WorkOSWebhookHandlerError';
    this.eventId = event.id;
    this.event = event.event;
    this.handler = handler;
  }
}
