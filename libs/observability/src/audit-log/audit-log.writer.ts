import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Logger } from '@nestjs/common';
import type { AuditConfig } from '@atrium/config';

/** How long lines wait before a batch is written; requests never wait for the disk. */
const FLUSH_DELAY_MS = 50;
/** Lines kept in memory at most while the disk is slow; beyond it the oldest are dropped. */
const MAX_PENDING_LINES = 50_000;

/**
 * The audit log sink: JSON Lines appended in batches, off the request path. When the file
 * reaches AUDIT_LOG_FILE_ROTATION_SIZE it is renamed `audit.<UTC time>.log` and gzipped in the
 * background to `….log.gz`; a new file starts. Optionally every line also goes to stdout.
 */
export class AuditLogWriter {
  private readonly logger = new Logger('AuditLog');
  private pending: string[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private file?: FileHandle;
  private size = 0;
  private readonly compressions = new Set<Promise<void>>();
  private dropped = 0;

  constructor(
    private readonly config: Pick<
      AuditConfig,
      'filePath' | 'rotationBytes' | 'fileEnabled' | 'stdoutEnabled'
    >,
    private readonly stdout: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  /** Queues one record; returns at once. */
  write(record: object): void {
    if (!this.config.fileEnabled && !this.config.stdoutEnabled) return;
    if (this.pending.length >= MAX_PENDING_LINES) {
      this.pending.shift();
      this.dropped += 1;
    }
    this.pending.push(`${JSON.stringify(record)}\n`);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Writes everything queued so far (and waits for running compressions). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => this.writeBatch(batch));
    await this.flushing;
    await Promise.all([...this.compressions]);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.file?.close();
    this.file = undefined;
  }

  private async writeBatch(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    if (this.dropped > 0) {
      this.logger.warn(`dropped ${this.dropped} audit records: the disk did not keep up`);
      this.dropped = 0;
    }
    const text = lines.join('');
    if (this.config.stdoutEnabled) this.stdout(text);
    if (!this.config.fileEnabled) return;
    try {
      await this.append(text);
    } catch (error) {
      this.logger.error(
        `could not write the audit log ${this.config.filePath}: ${(error as Error).message}`,
      );
    }
  }

  private async append(text: string): Promise<void> {
    const file = await this.openFile();
    const buffer = Buffer.from(text, 'utf8');
    await file.write(buffer);
    this.size += buffer.length;
    if (this.size >= this.config.rotationBytes) await this.rotate();
  }

  private async openFile(): Promise<FileHandle> {
    if (this.file) return this.file;
    await mkdir(dirname(this.config.filePath), { recursive: true });
    this.file = await open(this.config.filePath, 'a');
    this.size = (await stat(this.config.filePath)).size;
    return this.file;
  }

  private async rotate(): Promise<void> {
    await this.file?.close();
    this.file = undefined;
    this.size = 0;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const suffix = Math.random().toString(36).slice(2, 6);
    const rotated = this.config.filePath.replace(
      /(\.[^./]+)?$/,
      (ext) => `.${stamp}-${suffix}${ext}`,
    );
    await rename(this.config.filePath, rotated);
    const compression = this.compress(rotated).finally(() => this.compressions.delete(compression));
    this.compressions.add(compression);
  }

  private async compress(path: string): Promise<void> {
    try {
      await pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz`));
      await unlink(path);
    } catch (error) {
      this.logger.error(`could not gzip ${path}: ${(error as Error).message}`);
    }
  }
}
