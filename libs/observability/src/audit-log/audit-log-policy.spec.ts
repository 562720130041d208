import type { AuditConfig } from '@atrium/config';
import { describe, expect, it } from 'vitest';
import { AuditLogPolicy } from './audit-log-policy.js';

const config = (overrides: Partial<AuditConfig> = {}): AuditConfig => ({
  level: 'METADATA',
  excludedPaths: ['chats', 'chat', 'folders'],
  includedPaths: [],
  auditGetRequests: false,
  maxBodyLogSize: 2048,
  filePath: '/tmp/audit.log',
  rotationBytes: 10_000_000,
  fileEnabled: true,
  stdoutEnabled: false,
  ...overrides,
});

const signedIn = (method: string, path: string) => ({
  method,
  path,
  hasAuthorizationHeader: true,
  hasTokenCookie: false,
});

describe('AuditLogPolicy (Open WebUI _should_skip_auditing)', () => {
  it('audits writes only, GET when enabled, nothing at NONE', () => {
    const policy = new AuditLogPolicy(config());
    expect(policy.shouldAudit(signedIn('POST', '/api/v1/models/create'))).toBe(true);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect(policy.shouldAudit(signedIn(method, '/api/v1/x'))).toBe(true);
    }
    expect(policy.shouldAudit(signedIn('GET', '/api/v1/x'))).toBe(false);
    expect(policy.shouldAudit(signedIn('OPTIONS', '/api/v1/x'))).toBe(false);
    expect(
      new AuditLogPolicy(config({ auditGetRequests: true })).shouldAudit(
        signedIn('GET', '/api/v1/x'),
      ),
    ).toBe(true);
    expect(
      new AuditLogPolicy(config({ level: 'NONE' })).shouldAudit(signedIn('POST', '/api/v1/x')),
    ).toBe(false);
  });

  it('always audits sign-in/out/up, skips other anonymous requests; a token cookie counts', () => {
    const policy = new AuditLogPolicy(config());
    const anonymous = { hasAuthorizationHeader: false, hasTokenCookie: false };
    expect(policy.shouldAudit({ method: 'POST', path: '/api/v1/auths/signin', ...anonymous })).toBe(
      true,
    );
    expect(policy.shouldAudit({ method: 'POST', path: '/API/V1/AUTHS/SIGNUP', ...anonymous })).toBe(
      true,
    );
    expect(
      policy.shouldAudit({ method: 'POST', path: '/api/v1/auths/signout', ...anonymous }),
    ).toBe(true);
    expect(policy.shouldAudit({ method: 'GET', path: '/api/v1/auths/signout', ...anonymous })).toBe(
      false,
    );
    expect(policy.shouldAudit({ method: 'POST', path: '/api/v1/x', ...anonymous })).toBe(false);
    expect(
      policy.shouldAudit({
        method: 'POST',
        path: '/api/v1/x',
        hasAuthorizationHeader: false,
        hasTokenCookie: true,
      }),
    ).toBe(true);
  });

  it('matches the lists as ^/api(/v1)?/(p1|p2…)\\b', () => {
    const excluding = new AuditLogPolicy(config());
    expect(excluding.shouldAudit(signedIn('POST', '/api/v1/chats/new'))).toBe(false);
    expect(excluding.shouldAudit(signedIn('POST', '/api/chat/completions'))).toBe(false);
    expect(excluding.shouldAudit(signedIn('POST', '/api/v1/folders'))).toBe(false);
    expect(excluding.shouldAudit(signedIn('POST', '/api/v1/chatsx'))).toBe(true);
    expect(excluding.shouldAudit(signedIn('POST', '/api/v1/chat-tools'))).toBe(false); // \b after "chat"
    expect(excluding.shouldAudit(signedIn('POST', '/ollama/api/chat'))).toBe(true);
    expect(excluding.shouldAudit(signedIn('POST', '/openai/chat/completions'))).toBe(true);
    const including = new AuditLogPolicy(config({ includedPaths: ['models', 'a.b'] }));
    expect(including.shouldAudit(signedIn('POST', '/api/v1/models/create'))).toBe(true);
    expect(including.shouldAudit(signedIn('POST', '/api/v1/chats/new'))).toBe(false);
    expect(including.shouldAudit(signedIn('POST', '/ollama/api/chat'))).toBe(false);
    expect(including.shouldAudit(signedIn('POST', '/api/v1/aXb'))).toBe(false); // escaped, not a regex
  });
});
