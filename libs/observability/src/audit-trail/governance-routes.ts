/**
 * Governance changes recognised by route until the owning libraries call
 * AuditTrailService.record() themselves (with the state before and after). Only successful
 * (2xx) calls are recorded; `after` is the request body, secrets masked.
 */
export interface GovernanceRoute {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  action: string;
  targetType: string;
  /** Read the target id from this body field when the path has none. */
  bodyTargetKey?: string;
}

export const GOVERNANCE_ROUTES: readonly GovernanceRoute[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v1\/groups\/create$/,
    action: 'group.created',
    targetType: 'group',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/groups\/id\/([^/]+)\/update$/,
    action: 'group.updated',
    targetType: 'group',
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/groups\/id\/([^/]+)\/delete$/,
    action: 'group.deleted',
    targetType: 'group',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/groups\/id\/([^/]+)\/users\/add$/,
    action: 'group.members_added',
    targetType: 'group',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/groups\/id\/([^/]+)\/users\/remove$/,
    action: 'group.members_removed',
    targetType: 'group',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users\/([^/]+)\/update$/,
    action: 'user.updated',
    targetType: 'user',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auths\/add$/,
    action: 'user.created',
    targetType: 'user',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users\/default\/permissions$/,
    action: 'permissions.default_updated',
    targetType: 'config',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auths\/admin\/config$/,
    action: 'config.auth_updated',
    targetType: 'config',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/configs\/((?!.*\/verify$).+)$/,
    action: 'config.updated',
    targetType: 'config',
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/models\/model\/access\/update$/,
    action: 'model.access_updated',
    targetType: 'model',
    bodyTargetKey: 'id',
  },
];

export function matchGovernanceRoute(
  method: string,
  path: string,
): { route: GovernanceRoute; targetId: string | null } | undefined {
  for (const route of GOVERNANCE_ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, targetId: match[1] ?? null };
  }
  return undefined;
}
