import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@atrium/config';
import { createApp } from '../apps/api/src/create-app.js';
import { signup } from './auth-fixtures.js';
import { closedPortUrl } from './fakes/fake-model-server.js';

/**
 * The one logger as `npm start` wires it (createApp without a test logger): LOG_FORMAT and
 * GLOBAL_LOG_LEVEL apply to every line, lines written while serving a request carry its id,
 * and no secret is printed.
 */
const captured: string[] = [];
const originals = { out: process.stdout.write, err: process.stderr.write };

function capture(): void {
  captured.length = 0;
  const keep =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      captured.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
      );
      return (original as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    };
  process.stdout.write = keep(originals.out);
  process.stderr.write = keep(originals.err);
}

afterEach(() => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
});

async function startLogged(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-log-'));
  const config = loadConfig({
    WEBUI_SECRET_KEY: 'e2e-secret-key',
    DATA_DIR: dataDir,
    OLLAMA_BASE_URLS: await closedPortUrl(),
    ENABLE_OPENAI_API: 'false',
    ...env,
  });
  capture();
  const app = await createApp({ config });
  await app.init();
  const http = request(app.getHttpServer());
  const admin = await signup(http, 'admin@example.com');
  // The unreachable Ollama connection makes the model list refresh log a warning in the request.
  await http
    .get('/api/models')
    .set('Authorization', `Bearer ${admin.token}`)
    .set('X-Request-Id', 'log-req-42');
  return {
    admin,
    lines: () =>
      captured
        .join('')
        .split('\n')
        .filter((line) => line.length > 0),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('the one logger', () => {
  it('LOG_FORMAT=json: every line is a JSON object; request lines carry the request id', async () => {
    const logged = await startLogged({ LOG_FORMAT: 'json', GLOBAL_LOG_LEVEL: 'INFO' });
    try {
      const lines = logged.lines();
      const records = lines.map((line) => JSON.parse(line) as Record<string, string>);
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        expect(Object.keys(record)).toEqual(
          expect.arrayContaining(['timestamp', 'level', 'message']),
        );
      }
      expect(records.some((record) => record.level === 'INFO')).toBe(true);
      const warning = records.find((record) => /failed to list models/.test(record.message));
      expect(warning).toMatchObject({ level: 'WARNING', request_id: 'log-req-42' });
      expect(lines.join('\n')).not.toContain(logged.admin.token);
    } finally {
      await logged.close();
    }
  });

  it('LOG_FORMAT=text with GLOBAL_LOG_LEVEL=WARNING: readable lines, nothing below WARNING', async () => {
    const logged = await startLogged({ GLOBAL_LOG_LEVEL: 'WARNING' });
    try {
      const lines = logged.lines();
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toMatch(
          /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| (WARNING|ERROR|CRITICAL) +\| /,
        );
      }
      const warning = lines.find((line) => line.includes('failed to list models'));
      expect(warning).toMatch(/\[log-req-42\]$/);
    } finally {
      await logged.close();
    }
  });
});
