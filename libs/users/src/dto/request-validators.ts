import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isPermissionTree } from '../permission-tree.js';

/** `{section: {flag: true|false}}`, Open WebUI's permission tree (partial trees allowed). */
export function IsPermissionTree(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPermissionTree',
      validator: {
        validate: (value: unknown) => isPermissionTree(value),
        defaultMessage: () => '$property must map each section to an object of true/false flags',
      },
    },
    options,
  );
}

const SAFE_STATIC_PATHS = new Set(['/user.png', '/favicon.png', '/static/favicon.png']);
const OWN_PROFILE_IMAGE_ROUTE = /^\/api\/v1\/users\/[^/?#]+\/profile\/image$/;
const SAFE_DATA_URI = /^data:image\/(png|jpeg|gif|webp);base64,/i;

/**
 * Open WebUI's validate_profile_image_url: empty, a known static path, the profile-image route,
 * an http(s) URL with a host, or a base64 data URI of a raster image (no SVG: it can carry script).
 */
export function isSafeProfileImageUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value === '' || SAFE_STATIC_PATHS.has(value) || OWN_PROFILE_IMAGE_ROUTE.test(value))
    return true;
  if (SAFE_DATA_URI.test(value)) return true;
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

export function IsProfileImageUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isProfileImageUrl',
      validator: {
        validate: (value: unknown) => isSafeProfileImageUrl(value),
        defaultMessage: () =>
          'Invalid profile image URL: must be a known internal path, an HTTP(S) URL with a host, or a data:image URI (png/jpeg/gif/webp).',
      },
    },
    options,
  );
}
