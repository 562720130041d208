/** Emails are stored and compared trimmed and lowercased, as Open WebUI lowercases them. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_SHAPE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Open WebUI's validate_email_format: `@localhost` addresses (the no-auth admin) always pass;
 * otherwise something@something.something. (Upstream only anchors the start; this anchors both
 * ends, so "a@b.c@d" and addresses with spaces are refused.)
 */
export function isValidEmail(email: string): boolean {
  if (/^[^@\s]+@localhost$/.test(email)) return true;
  return EMAIL_SHAPE.test(email);
}
