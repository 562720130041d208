/** Open WebUI pages are 1-based with a fixed page size per route. */
export interface PageRequest {
  offset: number;
  limit: number;
}

export function pageOf(page: number | undefined, pageSize: number): PageRequest | undefined {
  if (page === undefined) return undefined;
  const safePage = Math.max(1, Math.floor(page));
  return { offset: (safePage - 1) * pageSize, limit: pageSize };
}
