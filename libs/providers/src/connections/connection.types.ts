import type { ConnectionSettings } from '@atrium/config';

export type ProviderKind = 'ollama' | 'openai';

/**
 * The admin-managed connections of one kind, in Open WebUI's shape: parallel URL and key lists
 * plus a per-index settings map keyed by the string index. Ollama keeps its keys in the settings
 * (`key`), so its `keys` list is empty.
 */
export interface ConnectionSet {
  enabled: boolean;
  urls: string[];
  keys: string[];
  configs: Record<string, ConnectionSettings>;
}

/** One resolved connection: where to call and how to authenticate. */
export interface Connection {
  kind: ProviderKind;
  index: number;
  url: string;
  key: string;
  settings: ConnectionSettings;
}

export function settingsOf(set: ConnectionSet, index: number): ConnectionSettings {
  return set.configs[String(index)] ?? set.configs[set.urls[index] ?? ''] ?? {};
}

export function isEnabled(settings: ConnectionSettings): boolean {
  return settings.enable !== false;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

export function prefixOf(settings: ConnectionSettings): string | undefined {
  const prefix = settings.prefix_id;
  return typeof prefix === 'string' && prefix !== '' ? prefix : undefined;
}

export function resolveConnection(
  kind: ProviderKind,
  set: ConnectionSet,
  index: number,
): Connection {
  const settings = settingsOf(set, index);
  const key =
    kind === 'openai'
      ? (set.keys[index] ?? '')
      : typeof settings.key === 'string'
        ? settings.key
        : '';
  return { kind, index, url: set.urls[index], key, settings };
}
