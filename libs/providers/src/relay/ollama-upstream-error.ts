import type { IncomingMessage } from 'node:http';
import { UpstreamStatusError } from '../providers.errors.js';
import { readText } from './upstream-http.client.js';

/** An Ollama answer with status >= 400 as Open WebUI reports it: `Ollama: <error>`, same status. */
export async function ollamaStatusError(upstream: IncomingMessage): Promise<UpstreamStatusError> {
  const status = upstream.statusCode ?? 500;
  const text = await readText(upstream).catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const error = body.error ?? body.detail;
  const message =
    error && typeof error === 'object' ? (error as { message?: unknown }).message : error;
  return new UpstreamStatusError(
    status,
    `Ollama: ${typeof message === 'string' ? message : text || `HTTP ${status}`}`,
  );
}
