import type { IMastraLogger } from '@mastra/core/logger';
import { asWorkOS, type WorkOSClientLike } from '../shared/workos-connection';
import { MastraBase } from '@mastra/core/base';
import type { AuditLogExport, CreateAuditLogEventOptions } from '@workos-inc/node';
import { WorkOSConfigError, WorkOSMastraError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import { DEFAULT_ADMIN_REQUEST_TIMEOUT_MS, OptionValidator } from '../shared/options';
import { WorkOSGateway } from '../shared/gateway';
import { OncePerWindowLogger } from '../shared/log-once';

type Scalar = string | number | boolean;

/** Something that happened, as your app (or a Mastra middleware) records it. */
export interface AuditEvent {
  /** Unique per event; sent as the `Idempotency-Key`, so exporting an event twice records it once. */
  id: string;
  /** When it happened. */
  createdAt: Date | string;
  /** What happened, e.g. `agent.generate` or `user.signed_in` (mapped through `actionMapping`). */
  action: string;
  /** Who did it. */
  actor: {
    type: 'user' | 'system';
    id: string;
    /** Shown as the actor's name in WorkOS. */
    email?: string;
    /** The client's address; WorkOS's `context.location`. Default `'unknown'`. */
    ip?: string;
    userAgent?: string;
  };
  /** To what. Without one, the target is `{ type: 'system', id: 'system' }` (WorkOS needs at least one). */
  resource?: { type: string; id: string; name?: string };
  /** How it ended, e.g. `success`, `denied`, `failure`. */
  outcome: string;
  /** How long it took, in ms. */
  duration?: number;
  /** Extra scalar facts (objects and arrays are dropped: WorkOS metadata is flat). */
  metadata?: Record<string, unknown>;
}

/** Options of `new WorkOSAuditExporter(workos, options)`. */
export interface WorkOSAuditExporterOptions {
  /** The WorkOS organization whose audit log receives the events. */
  organizationId: string;
  /** Your action name → the action name configured in WorkOS (unmapped names pass through). */
  actionMapping?: Record<string, string>;
  /** Bound on each WorkOS call, in ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** Time source of the rate-limit gate and log windows; tests inject one. */
  clock?: Clock;
  /** Default: Mastra's logger for this component. */
  logger?: IMastraLogger;
}

/** Filter of {@link WorkOSAuditExporter.createExport}. */
export interface AuditExportRequest {
  startDate: Date;
  endDate: Date;
  actions?: string[];
  /** Passed to WorkOS under its own name (upstream's `actors` was silently ignored by the SDK). */
  actorIds?: string[];
  actorNames?: string[];
  /** Target types. */
  targets?: string[];
}

/** Polling of {@link WorkOSAuditExporter.waitForExport}. */
export interface WaitForExportOptions {
  /** Most `getExport` calls before giving up. Default 30. */
  maxPolls?: number;
  /** Pause between polls, in ms. Default 1000. */
  intervalMs?: number;
  /** How to pause; tests pass one that resolves at once. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** An audit event that cannot be sent (missing id, action or actor). */
export class WorkOSAuditEventError extends WorkOSMastraError {
  declare readonly code: 'audit_event_invalid';

  constructor(message: string) {
    super('audit_event_invalid', `WorkOSAuditExporter: ${message}`);
    this.name = 'WorkOSAuditEventError';
  }
}

const SYSTEM_TARGET = Object.freeze({ type: 'system', id: 'system' });

/**
 * Sends audit events to WorkOS Audit Logs (one `POST /audit_logs/events` each, with the event id as
 * the idempotency key) and creates and polls CSV exports. Mastra 1.x has no audit hook to plug
 * into: call {@link exportEvent} from your routes, a server middleware or your `authorizeUser`.
 */
export class WorkOSAuditExporter extends MastraBase {
  readonly #gateway: WorkOSGateway;
  readonly #organizationId: string;
  readonly #actionMapping: Readonly<Record<string, string>>;

  constructor(workosClient: WorkOSClientLike, options: WorkOSAuditExporterOptions) {
    super({ component: 'AUTH', name: 'WorkOSAuditExporter' });
    const workos = asWorkOS(workosClient);
    if (typeof (workos as { auditLogs?: { createEvent?: unknown } } | null)?.auditLogs?.createEvent !== 'function') {
      throw new WorkOSConfigError('workos', 'WorkOSAuditExporter: the first argument must be a WorkOS client (`new WorkOS(apiKey)` from @workos-inc/node).');
    }
    const organizationId = options?.organizationId;
    if (typeof organizationId !== 'string' || organizationId.trim() === '') {
      throw new WorkOSConfigError('organizationId', 'WorkOSAuditExporter: `organizationId` is required (the organization whose audit log receives the events).');
    }
    const mapping = options.actionMapping ?? {};
    if (typeof mapping !== 'object' || mapping === null || Object.values(mapping).some((value) => typeof value !== 'string' || value === '')) {
      throw new WorkOSConfigError('actionMapping', 'WorkOSAuditExporter: `actionMapping` must map action names to non-empty strings.');
    }
    const check: OptionValidator = new OptionValidator('WorkOSAuditExporter');
    const timeout = check.requestTimeout(options.requestTimeoutMs, DEFAULT_ADMIN_REQUEST_TIMEOUT_MS);
    this.#organizationId = organizationId;
    this.#actionMapping = Object.freeze({ ...mapping });
    if (options.logger) this.__setLogger(options.logger);
    const clock = check.clock(options.clock);
    this.#gateway = new WorkOSGateway(workos, {
      component: 'WorkOSAuditExporter',
      requestTimeoutMs: timeout,
      clock,
      log: new OncePerWindowLogger(() => this.logger, { clock }),
    });
  }

  /** The WorkOS event this exporter would send for `event` (no call made). */
  toWorkOSEvent(event: AuditEvent): CreateAuditLogEventOptions {
    validateEvent(event);
    const occurredAt = event.createdAt instanceof Date ? event.createdAt : new Date(event.createdAt);
    const metadata: Record<string, Scalar> = {};
    for (const [key, value] of Object.entries(event.metadata ?? {})) {
      if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) metadata[key] = value;
    }
    metadata.outcome = event.outcome;
    if (event.duration !== undefined && Number.isFinite(event.duration)) metadata.duration = event.duration;
    return {
      action: this.#actionMapping[event.action] ?? event.action,
      occurredAt,
      actor: { type: event.actor.type, id: event.actor.id, ...(event.actor.email && { name: event.actor.email }) },
      targets: [
        event.resource
          ? { type: event.resource.type, id: event.resource.id, ...(event.resource.name && { name: event.resource.name }) }
          : { ...SYSTEM_TARGET },
      ],
      context: { location: event.actor.ip || 'unknown', ...(event.actor.userAgent && { userAgent: event.actor.userAgent }) },
      metadata,
    };
  }

  /** Records one event. Safe to retry: the event id is the idempotency key. */
  async exportEvent(event: AuditEvent): Promise<void> {
    const workosEvent = this.toWorkOSEvent(event);
    await this.#gateway.call('createEvent', (workos) => workos.auditLogs.createEvent(this.#organizationId, workosEvent, { idempotencyKey: event.id }));
  }

  /**
   * Records events one after another, in order; stops at the first failure and throws it (events
   * before it are recorded; re-running the whole batch is safe thanks to the idempotency keys).
   */
  async exportEvents(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) validateEvent(event);
    for (const event of events) await this.exportEvent(event);
  }

  /** Starts a CSV export of the organization's audit log between two dates. */
  createExport(request: AuditExportRequest): Promise<AuditLogExport> {
    const { startDate, endDate } = request ?? ({} as AuditExportRequest);
    if (!isValidDate(startDate) || !isValidDate(endDate) || startDate.getTime() > endDate.getTime()) {
      throw new TypeError('WorkOSAuditExporter: createExport needs `startDate` and `endDate` Dates with startDate ≤ endDate.');
    }
    return this.#gateway.call('createExport', (workos) =>
      workos.auditLogs.createExport({
        organizationId: this.#organizationId,
        rangeStart: startDate,
        rangeEnd: endDate,
        ...(request.actions && { actions: request.actions }),
        ...(request.actorIds && { actorIds: request.actorIds }),
        ...(request.actorNames && { actorNames: request.actorNames }),
        ...(request.targets && { targets: request.targets }),
      }),
    );
  }

  /** The export's state (`pending`, `ready` with a `url`, or `error`). */
  getExport(id: string): Promise<AuditLogExport> {
    if (typeof id !== 'string' || id.trim() === '') throw new TypeError('WorkOSAuditExporter: getExport needs an export id.');
    return this.#gateway.call('getExport', (workos) => workos.auditLogs.getExport(id));
  }

  /** Polls until the export is no longer `pending` (`ready` or `error`); throws after `maxPolls`. */
  async waitForExport(id: string, options: WaitForExportOptions = {}): Promise<AuditLogExport> {
    const maxPolls = options.maxPolls ?? 30;
    const intervalMs = options.intervalMs ?? 1_000;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let poll = 1; ; poll += 1) {
      const state = await this.getExport(id);
      if (state.state !== 'pending') return state;
      if (poll >= maxPolls) {
        throw new WorkOSMastraError('audit_export_pending', `WorkOSAuditExporter: export ${id} still pending after ${maxPolls} polls.`);
      }
      await sleep(intervalMs);
    }
  }

}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function validateEvent(event: AuditEvent): void {
  if (typeof event !== 'object' || event === null) throw new WorkOSAuditEventError('an audit event must be an object.');
  if (!nonEmpty(event.id)) throw new WorkOSAuditEventError('`id` is required (it is the idempotency key).');
  if (!nonEmpty(event.action)) throw new WorkOSAuditEventError(`event ${event.id}: \`action\` is required.`);
  if (!nonEmpty(event.outcome)) throw new WorkOSAuditEventError(`event ${event.id}: \`outcome\` is required.`);
  if (!event.actor || !nonEmpty(event.actor.id) || (event.actor.type !== 'user' && event.actor.type !== 'system')) {
    throw new WorkOSAuditEventError(`event ${event.id}: \`actor\` needs an \`id\` and a \`type\` of 'user' or 'system'.`);
  }
  const at = event.createdAt instanceof Date ? event.createdAt : new Date(event.createdAt);
  if (!Number.isFinite(at.getTime())) throw new WorkOSAuditEventError(`event ${event.id}: \`createdAt\` is not a valid date.`);
  if (event.resource !== undefined && (!nonEmpty(event.resource.type) || !nonEmpty(event.resource.id))) {
    throw new WorkOSAuditEventError(`event ${event.id}: \`resource\` needs a \`type\` and an \`id\`.`);
  }
}
