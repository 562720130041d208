import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLogWriter } from './audit-log.writer.js';

describe('AuditLogWriter', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-audit-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('appends JSON lines in batches without blocking the caller', async () => {
    const dir = tempDir();
    const writer = new AuditLogWriter({
      filePath: join(dir, 'nested', 'audit.log'),
      rotationBytes: 10_000_000,
      fileEnabled: true,
      stdoutEnabled: false,
    });
    for (let index = 0; index < 100; index += 1) writer.write({ index });
    expect(readdirSync(dir)).toEqual([]); // nothing written synchronously
    await writer.close();
    const lines = readFileSync(join(dir, 'nested', 'audit.log'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { index: number }).index)).toEqual(
      Array.from({ length: 100 }, (_, index) => index),
    );
  });

  it('rotates at the size limit and gzips the rotated files; no line is lost', async () => {
    const dir = tempDir();
    const writer = new AuditLogWriter({
      filePath: join(dir, 'audit.log'),
      rotationBytes: 1_000,
      fileEnabled: true,
      stdoutEnabled: false,
    });
    const padding = 'x'.repeat(80);
    for (let batch = 0; batch < 5; batch += 1) {
      for (let index = 0; index < 10; index += 1) writer.write({ n: batch * 10 + index, padding });
      await writer.flush();
    }
    await writer.close();
    const files = readdirSync(dir).sort();
    const gzipped = files.filter((name) => /^audit\..+\.log\.gz$/.test(name));
    expect(gzipped.length).toBeGreaterThanOrEqual(4);
    expect(files.filter((name) => name.endsWith('.log') && name !== 'audit.log')).toEqual([]);
    const numbers = gzipped
      .flatMap((name) =>
        gunzipSync(readFileSync(join(dir, name)))
          .toString('utf8')
          .trim()
          .split('\n'),
      )
      .concat(
        files.includes('audit.log')
          ? readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').filter(Boolean)
          : [],
      )
      .map((line) => (JSON.parse(line) as { n: number }).n)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('prints to stdout when enabled and skips the file when disabled', async () => {
    const dir = tempDir();
    const printed: string[] = [];
    const writer = new AuditLogWriter(
      {
        filePath: join(dir, 'audit.log'),
        rotationBytes: 1_000,
        fileEnabled: false,
        stdoutEnabled: true,
      },
      (text) => printed.push(text),
    );
    writer.write({ a: 1 });
    writer.write({ a: 2 });
    await writer.close();
    expect(printed.join('')).toBe('{"a":1}\n{"a":2}\n');
    expect(readdirSync(dir)).toEqual([]);
  });
});
