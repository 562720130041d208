import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseCapture } from './response-capture.js';

/**
 * A streamed response passes through unchanged and unbuffered while the capture keeps only
 * its first bytes (Open WebUI records the first MAX_BODY_LOG_SIZE bytes of the response).
 */
describe('ResponseCapture', () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  it('keeps the first bytes of a 50 MB stream; the client gets every byte in order', async () => {
    const chunk = Buffer.alloc(64 * 1024);
    const chunks = (50 * 1024 * 1024) / chunk.length;
    let captured = '';
    let heapGrowth = 0;
    server = createServer((_request, response) => {
      const capture = new ResponseCapture(response, 2048);
      const heapBefore = process.memoryUsage().heapUsed;
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          chunk.fill(sent % 251);
          sent += 1;
          if (!response.write(Buffer.from(chunk))) return void response.once('drain', pump);
        }
        response.end('end', () => {
          heapGrowth = process.memoryUsage().heapUsed - heapBefore;
          captured = capture.text();
        });
      };
      pump();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const received = await new Promise<{ bytes: number; ok: boolean; firstAt: number }>(
      (resolve, reject) => {
        const started = Date.now();
        get({ host: '127.0.0.1', port, path: '/' }, (response) => {
          let bytes = 0;
          let ok = true;
          let firstAt = -1;
          response.on('data', (data: Buffer) => {
            if (firstAt < 0) firstAt = Date.now() - started;
            for (let offset = 0; offset < data.length; offset += 4096) {
              const index = Math.floor((bytes + offset) / chunk.length);
              if (index < chunks && data[offset] !== index % 251) ok = false;
            }
            bytes += data.length;
          });
          response.on('end', () => resolve({ bytes, ok, firstAt }));
          response.on('error', reject);
        }).on('error', reject);
      },
    );
    expect(received.bytes).toBe(50 * 1024 * 1024 + 3);
    expect(received.ok).toBe(true);
    expect(Buffer.from(captured, 'utf8').length).toBe(2048);
    expect(captured).toBe('\u0000'.repeat(2048));
    // Nothing near the stream's size was retained.
    expect(heapGrowth).toBeLessThan(20 * 1024 * 1024);
  });

  it('captures strings and cuts a multi-byte character at the limit', async () => {
    let captured = '';
    server = createServer((_request, response) => {
      const capture = new ResponseCapture(response, 5);
      response.write('abcd');
      response.end('é and more', () => (captured = capture.text()));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve) =>
      get({ host: '127.0.0.1', port }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (data: string) => (text += data));
        response.on('end', () => resolve(text));
      }),
    );
    expect(body).toBe('abcdé and more');
    expect(captured).toBe('abcd\uFFFD');
  });
});
