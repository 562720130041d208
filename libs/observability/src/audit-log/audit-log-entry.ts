/** One line of the audit log file, with the keys and order of Open WebUI's `file_format`. */
export interface AuditLogEntry {
  id: string;
  /** Epoch seconds. */
  timestamp: number;
  user: { id: string; name: string; email: string; role: string } | Record<string, never>;
  audit_level: string;
  verb: string;
  request_uri: string;
  /** Only filled at REQUEST_RESPONSE, as Open WebUI does; null otherwise. */
  response_status_code: number | null;
  source_ip: string | null;
  user_agent: string | null;
  request_object: string;
  response_object: string;
  extra: Record<string, unknown>;
}
