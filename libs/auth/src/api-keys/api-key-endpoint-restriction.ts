/**
 * Open WebUI's API-key endpoint restriction: with ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS on, a key
 * may call only the paths listed in API_KEYS_ALLOWED_ENDPOINTS (comma list), each matching
 * exactly or as a prefix followed by "/" (so "/api/models" allows "/api/models/x" but not
 * "/api/modelsfoo").
 */
export function parseAllowedEndpoints(list: string): string[] {
  return (
    list
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0)
      // "/api/models/" is taken to mean "/api/models" (upstream would match nothing below it).
      .map((entry) => (entry.length > 1 ? entry.replace(/\/+$/, '') : entry))
  );
}

export function isEndpointAllowed(path: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => path === entry || path.startsWith(`${entry}/`));
}
