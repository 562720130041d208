/** A model as the UI expects it from /api/models (§4.3): open-ended upstream fields plus ours. */
export type ModelRecord = Record<string, unknown> & {
  id: string;
  name: string;
  owned_by: string;
};

/** An Ollama tag entry merged across servers (`urls` = the connection indices that have it). */
export type OllamaModelEntry = Record<string, unknown> & {
  model: string;
  name: string;
  urls: number[];
};

/** An OpenAI-compatible model with the connection it came from. */
export type OpenAIModelEntry = ModelRecord & { urlIdx: number };

export interface CatalogSnapshot {
  /** OpenAI entries, then Ollama ones, as /api/models lists them. */
  models: ModelRecord[];
  byId: Map<string, ModelRecord>;
  ollama: Map<string, OllamaModelEntry>;
  openai: Map<string, OpenAIModelEntry>;
  builtAt: number;
}

/** Tags as `[{name}]`, whatever shape the connection settings used. */
export function normalizeTags(value: unknown): { name: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((tag: unknown) => {
    if (typeof tag === 'string') return [{ name: tag }];
    if (tag && typeof tag === 'object' && typeof (tag as { name?: unknown }).name === 'string') {
      return [{ name: (tag as { name: string }).name }];
    }
    return [];
  });
}

/** Ollama names without a tag mean `:latest`. */
export function withLatestTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}
