export {
  WorkOSAuditEventError,
  WorkOSAuditExporter,
  type AuditEvent,
  type AuditExportRequest,
  type WaitForExportOptions,
  type WorkOSAuditExporterOptions,
} from './audit-exporter';
