/**
 * Masks passwords, tokens, API keys and Authorization values wherever they can appear in
 * what Atrium logs or stores: parsed JSON/form bodies, raw (possibly truncated) text, and
 * query strings. Keys are matched by name; bearer credentials and `sk-` keys also by value.
 */
export const MASK = '********';

const SECRET_KEY =
  /(^|[_-])(password|passwd|passphrase|pwd|secret|token|api[_-]?keys?|apikey|authorization|credentials?|cookie|private[_-]?key)$/;

const SECRET_VALUES: readonly RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

/** True for a key whose value must never be kept ("password", "api_key", "Authorization"...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

/** Replaces bearer credentials, API keys and JWTs found inside free text. */
export function maskSecretValues(text: string): string {
  let masked = text;
  for (const pattern of SECRET_VALUES) {
    masked = masked.replace(pattern, (match, scheme?: string) =>
      typeof scheme === 'string' && /^(bearer|basic)$/i.test(scheme) ? `${scheme} ${MASK}` : MASK,
    );
  }
  return masked;
}

/** A deep copy of a parsed body with every secret-named field masked. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return MASK;
  if (typeof value === 'string') return maskSecretValues(value);
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      copy[key] =
        isSecretKey(key) && item !== null && item !== undefined && item !== ''
          ? MASK
          : maskSecrets(item, depth + 1);
    }
    return copy;
  }
  return value;
}

const JSON_STRING_FIELD = /"([^"\\]{1,100})"(\s*:\s*)"(?:[^"\\]|\\.)*("?)/g;
const FORM_FIELD = /(^|[?&;])([^=&;#]+)=([^&;#]*)/g;

/**
 * Masks secrets in raw text that may be JSON, a form body or anything else, and may be cut
 * mid-way (the first MAX_BODY_LOG_SIZE bytes of a response).
 */
export function maskSecretText(text: string): string {
  let masked = text.replace(
    JSON_STRING_FIELD,
    (match, key: string, separator: string, closing: string) =>
      isSecretKey(key) ? `"${key}"${separator}"${MASK}${closing}` : match,
  );
  if (!masked.trimStart().startsWith('{') && !masked.trimStart().startsWith('[')) {
    masked = maskQueryString(masked);
  }
  return maskSecretValues(masked);
}

/** Masks `key=value` pairs with secret names in a query string or form body. */
export function maskQueryString(query: string): string {
  return query.replace(FORM_FIELD, (match, lead: string, key: string) => {
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // keep the raw name
    }
    return isSecretKey(name) ? `${lead}${key}=${MASK}` : match;
  });
}

/** A URL with secret query parameters masked (path untouched). */
export function maskUrl(url: string): string {
  const index = url.indexOf('?');
  if (index < 0) return url;
  return url.slice(0, index + 1) + maskSecretValues(maskQueryString(url.slice(index + 1)));
}

/** The values a parsed body carries under secret names (to mask where they are echoed back). */
export function secretValuesOf(
  value: unknown,
  found: Set<string> = new Set(),
  depth = 0,
): Set<string> {
  if (depth > 32 || value === null || typeof value !== 'object') return found;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(key) && (typeof item === 'string' || typeof item === 'number')) {
      const text = String(item);
      if (text.length >= 4) found.add(text);
    } else {
      secretValuesOf(item, found, depth + 1);
    }
  }
  return found;
}

/** Replaces every occurrence of the given secret values (raw and JSON-escaped) in a text. */
export function maskKnownValues(text: string, secrets: Iterable<string>): string {
  let masked = text;
  for (const secret of secrets) {
    masked = masked.split(secret).join(MASK);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) masked = masked.split(escaped).join(MASK);
  }
  return masked;
}

// One part of a multipart/form-data body: its headers (with the field name), a blank line, the value.
const MULTIPART_FIELD =
  /(Content-Disposition:[^\r\n]*?\bname="([^"]*)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)([\s\S]*?)(?=\r?\n--|$)/gi;

/**
 * Masks the values of secret-named fields in (the first bytes of) a multipart/form-data body,
 * plus bearer credentials, API keys and JWTs anywhere in it. A value cut by the size limit is
 * masked too.
 */
export function maskMultipartText(text: string): string {
  return maskSecretValues(
    text.replace(MULTIPART_FIELD, (match, head: string, name: string) =>
      isSecretKey(name) ? `${head}${MASK}` : match,
    ),
  );
}
