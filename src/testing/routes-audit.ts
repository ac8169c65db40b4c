/** HTTP handlers of the Admin Portal link endpoint and the Audit Logs endpoints. */
import { badRequest, notFound, unprocessable } from './errors';
import { newId, opaqueToken, timestamp } from './ids';
import { optionalString, requiredString, route, type RouteDefinition } from './router';
import type { EmulatorAuditEvent, EmulatorAuditExport, EmulatorPortalLink } from './types';

/** The intents WorkOS accepts (SDK 11's `GenerateLinkIntent`). */
const PORTAL_INTENTS = new Set(['sso', 'dsync', 'audit_logs', 'log_streams', 'domain_verification', 'certificate_renewal', 'bring_your_own_key']);

/** What the portal and audit routes record, for assertions. */
export class AuditAndPortalLog {
  readonly portalLinks: EmulatorPortalLink[] = [];
  readonly auditEvents: EmulatorAuditEvent[] = [];
  readonly exports = new Map<string, EmulatorAuditExport & { createdAt: string; updatedAt: string }>();
  /** Idempotency key → the body first sent with it. */
  readonly keys = new Map<string, string>();

  clear(): void {
    this.portalLinks.length = 0;
    this.auditEvents.length = 0;
    this.exports.clear();
    this.keys.clear();
  }
}

export function auditAndPortalRoutes(deps: {
  log: AuditAndPortalLog;
  baseUrl: () => string;
  organizationExists: (id: string) => boolean;
}): RouteDefinition[] {
  const { log } = deps;
  const requireOrganization = (id: string): void => {
    if (!deps.organizationExists(id)) throw notFound('Organization', id);
  };
  const wireExport = (item: EmulatorAuditExport & { createdAt: string; updatedAt: string }) => ({
    object: 'audit_log_export',
    id: item.id,
    state: item.state,
    url: item.state === 'ready' ? `${deps.baseUrl()}/audit_logs/exports/${item.id}/download.csv` : null,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
  });

  return [
    route('adminPortal.generateLink', 'POST /portal/generate_link', (ctx) => {
      const organization = requiredString(ctx.body, 'organization');
      const intent = optionalString(ctx.body, 'intent') ?? 'sso';
      if (!PORTAL_INTENTS.has(intent)) throw unprocessable(`intent must be one of ${[...PORTAL_INTENTS].join(', ')}; got '${intent}'.`);
      requireOrganization(organization);
      const link = `${deps.baseUrl()}/portal/launch?secret=${opaqueToken()}`;
      log.portalLinks.push({
        organization,
        intent,
        returnUrl: optionalString(ctx.body, 'return_url'),
        successUrl: optionalString(ctx.body, 'success_url'),
        link,
      });
      return { status: 201, body: { link } };
    }),

    route('auditLogs.createEvent', 'POST /audit_logs/events', (ctx) => {
      const organizationId = requiredString(ctx.body, 'organization_id');
      const event = ctx.body.event;
      if (typeof event !== 'object' || event === null) throw unprocessable('event is required.');
      const wire = event as Record<string, unknown>;
      if (typeof wire.action !== 'string' || !wire.action) throw unprocessable('event.action is required.');
      if (!Array.isArray(wire.targets) || wire.targets.length === 0) throw unprocessable('event.targets must contain at least one target.');
      requireOrganization(organizationId);
      const key = ctx.header('idempotency-key');
      if (key !== undefined) {
        const serialized = JSON.stringify(ctx.body);
        const previous = log.keys.get(key);
        if (previous !== undefined) {
          if (previous !== serialized) throw badRequest('This Idempotency-Key was used with a different request body.', 'idempotency_key_reused');
          return { status: 201, body: { success: true } }; // same answer, nothing stored twice
        }
        log.keys.set(key, serialized);
      }
      log.auditEvents.push({ organizationId, idempotencyKey: key, event: structuredClone(wire) });
      return { status: 201, body: { success: true } };
    }),

    route('auditLogs.createExport', 'POST /audit_logs/exports', (ctx) => {
      const organizationId = requiredString(ctx.body, 'organization_id');
      requiredString(ctx.body, 'range_start');
      requiredString(ctx.body, 'range_end');
      requireOrganization(organizationId);
      const now = timestamp();
      const item = { id: newId('audit_log_export'), organizationId, request: structuredClone(ctx.body), state: 'pending' as const, polls: 0, createdAt: now, updatedAt: now };
      log.exports.set(item.id, item);
      return { status: 201, body: wireExport(item) };
    }),

    route('auditLogs.getExport', 'GET /audit_logs/exports/:id', (ctx) => {
      const id = ctx.param('id');
      const item = log.exports.get(id);
      if (!item) throw notFound('Audit log export', id);
      const next = { ...item, polls: item.polls + 1, state: 'ready' as const, updatedAt: item.state === 'ready' ? item.updatedAt : timestamp() };
      log.exports.set(id, next);
      // The first poll still sees `pending` (the export was being generated); later ones see `ready`.
      return { status: 200, body: wireExport(item.polls === 0 ? item : next) };
    }),
  ];
}
