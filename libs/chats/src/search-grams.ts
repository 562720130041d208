/**
 * Trigram "words" for MySQL/MariaDB chat search (see migration 1764300000000): every distinct
 * run of three characters, hex-encoded so the FULLTEXT parser keeps it as one word.
 */
function gramsOf(text: string): Set<string> {
  // Hex of each distinct character once, and no per-character array: bodies can be megabytes.
  const hexOf = new Map<string, string>();
  const grams = new Set<string>();
  let first = '';
  let second = '';
  for (const character of text) {
    let hex = hexOf.get(character);
    if (hex === undefined) {
      hex = Buffer.from(character, 'utf8').toString('hex');
      hexOf.set(character, hex);
    }
    if (first !== '') grams.add(first + second + hex);
    first = second;
    second = hex;
  }
  return grams;
}

/** The value stored in chat_search.grams for a (lowercased) search body. */
export function searchGramsOf(body: string): string {
  return [...gramsOf(body)].join(' ');
}

/** Most trigrams a query asks for: any subset is still a necessary condition, fewer are faster. */
const QUERY_GRAMS = 12;

/**
 * A boolean-mode FULLTEXT query every body containing `text` matches (all of its trigrams, or an
 * evenly spread subset); undefined when the text is shorter than a trigram.
 */
export function gramsQueryOf(text: string): string | undefined {
  const grams = [...gramsOf(text)];
  if (grams.length === 0) return undefined;
  const step = Math.max(1, grams.length / QUERY_GRAMS);
  const chosen = new Set<string>();
  for (let position = 0; position < grams.length && chosen.size < QUERY_GRAMS; position += step)
    chosen.add(grams[Math.floor(position)]);
  return [...chosen].map((gram) => `+${gram}`).join(' ');
}
