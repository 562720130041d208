/** Open WebUI's tag id: the name lowercased with spaces replaced by underscores. */
export function tagIdOf(name: string): string {
  return name.replace(/ /g, '_').toLowerCase();
}

/** "none" is reserved by the frontend (it means "no tag") and cannot be a tag. */
export function isReservedTagId(tagId: string): boolean {
  return tagId === 'none';
}
