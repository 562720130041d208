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
  /**
   * Body fields already recorded, with their before/after, by a specific event the owning
   * library emits during the same request (action -> field): left out of this route's record,
   * which is skipped when nothing else is left, so each change is recorded once.
   */
  recordedBy?: Readonly<Record<string, string>>;
}

/**
 * The route's `after` once the fields recorded by specific events in the same request are
 * removed, or undefined when nothing is left to record.
 */
export function remainingChanges(
  route: GovernanceRoute,
  targetId: string | null,
  body: unknown,
  recorded: readonly { action: string; targetId: string | null }[],
): unknown {
  if (!route.recordedBy || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return body;
  }
  const covered = recorded
    .filter((event) => event.targetId === targetId)
    .map((event) => route.recordedBy?.[event.action])
    .filter((field): field is string => field !== undefined);
  if (covered.length === 0) return body;
  const rest = Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(([key]) => !covered.includes(key)),
  );
  return Object.keys(rest).length > 0 ? rest : undefined;
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
    recordedBy: { 'user.role_changed': 'role', 'user.email_changed': 'email' },
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
    pattern: /^\/api\/v1\/auths\/admin\/config\/ldap(?:\/server)?$/,
    action: 'config.ldap_updated',
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
