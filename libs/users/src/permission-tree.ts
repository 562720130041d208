import { USER_PERMISSION_FLAGS, type PermissionTree } from '@atrium/config';

/**
 * Pure operations on Open WebUI's permission tree (section -> flag -> allowed).
 * They never mutate their arguments.
 */

/** Every known flag at its built-in default (before USER_PERMISSIONS_* env overrides). */
export function builtInDefaultPermissions(): PermissionTree {
  const tree: PermissionTree = {};
  for (const flag of USER_PERMISSION_FLAGS) {
    tree[flag.section] ??= {};
    tree[flag.section][flag.key] = flag.default;
  }
  return tree;
}

export function copyPermissions(tree: PermissionTree): PermissionTree {
  const copy: PermissionTree = {};
  for (const [section, flags] of Object.entries(tree)) copy[section] = { ...flags };
  return copy;
}

/** `tree` with every section and flag of `template` it lacks added (present values win). */
export function fillMissingPermissions(
  tree: PermissionTree,
  template: PermissionTree,
): PermissionTree {
  const filled = copyPermissions(tree);
  for (const [section, flags] of Object.entries(template)) {
    filled[section] = { ...flags, ...(filled[section] ?? {}) };
  }
  return filled;
}

/**
 * The most permissive combination: a flag is allowed when either side allows it.
 * Sections and flags only one side has are kept. Values that are not booleans
 * (a damaged group row) count as false.
 */
export function combinePermissions(base: PermissionTree, addition: unknown): PermissionTree {
  const combined = copyPermissions(base);
  if (!isRecord(addition)) return combined;
  for (const [section, flags] of Object.entries(addition)) {
    if (!isRecord(flags)) continue;
    const target = (combined[section] ??= {});
    for (const [key, value] of Object.entries(flags)) {
      target[key] = target[key] === true || value === true;
    }
  }
  return combined;
}

/** The flag at "section.key"; anything missing counts as not allowed. */
export function readPermission(tree: PermissionTree, key: string): boolean {
  const [section, flag, ...rest] = key.split('.');
  if (!section || !flag || rest.length > 0) return false;
  return tree[section]?.[flag] === true;
}

/** True for `{section: {flag: boolean}}`; used to validate request bodies. */
export function isPermissionTree(value: unknown): value is PermissionTree {
  if (!isRecord(value)) return false;
  return Object.values(value).every(
    (flags) => isRecord(flags) && Object.values(flags).every((flag) => typeof flag === 'boolean'),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
