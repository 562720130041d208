import type { AuditConfig } from '@atrium/config';

const ALWAYS_AUDITED = ['/api/v1/auths/signin', '/api/v1/auths/signout', '/api/v1/auths/signup'];
const DEFAULT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `^/api(/v1)?/(p1|p2…)\b`, or undefined for an empty list. */
function pathPattern(paths: string[]): RegExp | undefined {
  if (paths.length === 0) return undefined;
  return new RegExp(`^/api(?:/v1)?/(${paths.map(escapeRegex).join('|')})\\b`);
}

export interface AuditCandidate {
  method: string;
  /** The URL path without the query string. */
  path: string;
  hasAuthorizationHeader: boolean;
  hasTokenCookie: boolean;
}

/**
 * Which requests Open WebUI's AuditLoggingMiddleware records: audited methods only; sign-in,
 * sign-out and sign-up always; otherwise only authenticated requests (an Authorization header
 * or a `token` cookie), then the include list (a whitelist) or else the exclude list.
 * Both lists only ever match under /api, so /ollama and /openai are always audited.
 */
export class AuditLogPolicy {
  private readonly methods: Set<string>;
  private readonly included?: RegExp;
  private readonly excluded?: RegExp;

  constructor(private readonly config: AuditConfig) {
    this.methods = new Set(DEFAULT_METHODS);
    if (config.auditGetRequests) this.methods.add('GET');
    this.included = pathPattern(config.includedPaths);
    this.excluded = pathPattern(config.excludedPaths);
  }

  get enabled(): boolean {
    return this.config.level !== 'NONE';
  }

  shouldAudit(candidate: AuditCandidate): boolean {
    if (!this.enabled || !this.methods.has(candidate.method.toUpperCase())) return false;
    const lowered = candidate.path.toLowerCase();
    if (ALWAYS_AUDITED.some((endpoint) => lowered.startsWith(endpoint))) return true;
    if (!candidate.hasAuthorizationHeader && !candidate.hasTokenCookie) return false;
    if (this.included) return this.included.test(candidate.path);
    return !(this.excluded?.test(candidate.path) ?? false);
  }
}
