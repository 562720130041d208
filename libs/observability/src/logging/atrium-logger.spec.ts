import type { LogLevel } from '@nestjs/common';
import { loadConfig } from '@atrium/config';
import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../request-context/request-context.js';
import { AtriumLogger } from './atrium-logger.js';

function loggerWith(env: Record<string, string>) {
  const lines: { line: string; level: LogLevel }[] = [];
  const config = loadConfig({ WEBUI_SECRET_KEY: 'k', DATA_DIR: '/tmp/atrium-logger', ...env });
  const logger = new AtriumLogger(config, (line, level) => lines.push({ line, level }));
  return { logger, lines };
}

describe('AtriumLogger', () => {
  it('filters by GLOBAL_LOG_LEVEL', () => {
    const { logger, lines } = loggerWith({ GLOBAL_LOG_LEVEL: 'WARNING' });
    logger.debug('d');
    logger.log('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((entry) => entry.level)).toEqual(['warn', 'error']);
    expect(loggerWith({ GLOBAL_LOG_LEVEL: 'debug' }).logger.isEnabled('debug')).toBe(true);
  });

  it('writes JSON lines with context, request id and stack when LOG_FORMAT=json', () => {
    const { logger, lines } = loggerWith({ LOG_FORMAT: 'json' });
    runWithRequestContext(
      { requestId: 'req-7', sourceIp: null, userAgent: null, user: () => undefined },
      () => logger.error('boom', 'Error: boom\n    at x', 'Chats'),
    );
    const record = JSON.parse(lines[0].line) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'ERROR',
      message: 'boom',
      context: 'Chats',
      request_id: 'req-7',
      stack: 'Error: boom\n    at x',
    });
    expect(typeof record.timestamp).toBe('string');
  });

  it('writes readable text by default and never a secret', () => {
    const { logger, lines } = loggerWith({});
    logger.log('calling with Authorization: Bearer abc.def.ghi and api_key=sk-12345678', 'Relay');
    logger.log({ password: 'hunter22', user: 'a' });
    expect(lines[0].line).toMatch(
      / \| INFO {5}\| Relay - calling with Authorization: Bearer \*{8}/,
    );
    expect(lines.map((entry) => entry.line).join('')).not.toMatch(/abc\.def|sk-1234|hunter22/);
  });
});
