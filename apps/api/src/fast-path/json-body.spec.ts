import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyLimitBytes, isPlainJsonRequest, readJsonBody } from './json-body.js';

/** A request stream with headers, fed the given chunks then ended. */
function fakeRequest(headers: Record<string, string>, chunks: string[] = []): IncomingMessage {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(stream, { headers, complete: false });
  stream.once('end', () => Object.assign(stream, { complete: true }));
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream;
}

describe('fast path JSON body', () => {
  it('reads REQUEST_BODY_LIMIT as body-parser does', () => {
    expect(bodyLimitBytes('20mb')).toBe(20 * 1024 * 1024);
    expect(bodyLimitBytes('2KB')).toBe(2048);
    expect(bodyLimitBytes('100')).toBe(100);
  });

  it('takes only plain UTF-8 JSON with an announced body', () => {
    const json = { 'content-type': 'application/json', 'content-length': '2' };
    expect(isPlainJsonRequest(fakeRequest(json))).toBe(true);
    expect(
      isPlainJsonRequest(
        fakeRequest({ ...json, 'content-type': 'application/json; charset=UTF-8' }),
      ),
    ).toBe(true);
    expect(isPlainJsonRequest(fakeRequest({ ...json, 'content-type': 'text/plain' }))).toBe(false);
    expect(
      isPlainJsonRequest(
        fakeRequest({ ...json, 'content-type': 'application/json; charset=latin1' }),
      ),
    ).toBe(false);
    expect(isPlainJsonRequest(fakeRequest({ ...json, 'content-encoding': 'gzip' }))).toBe(false);
    expect(isPlainJsonRequest(fakeRequest({ 'content-type': 'application/json' }))).toBe(false);
  });

  it('parses like body-parser in strict mode', async () => {
    await expect(readJsonBody(fakeRequest({}, ['\uFEFF{"a":', '1}']), 100)).resolves.toEqual({
      a: 1,
    });
    await expect(readJsonBody(fakeRequest({}, []), 100)).resolves.toEqual({});
    await expect(readJsonBody(fakeRequest({}, [' [1]']), 100)).resolves.toEqual([1]);
    await expect(readJsonBody(fakeRequest({}, ['"text"']), 100)).rejects.toMatchObject({
      type: 'entity.parse.failed',
    });
    await expect(readJsonBody(fakeRequest({}, ['{"a":']), 100)).rejects.toMatchObject({
      type: 'entity.parse.failed',
    });
  });

  it('refuses bodies over the limit, announced or streamed, once the request is drained', async () => {
    const announced = fakeRequest({ 'content-length': '500' }, ['x'.repeat(500)]);
    await expect(readJsonBody(announced, 100)).rejects.toMatchObject({ type: 'entity.too.large' });
    expect(announced.readableEnded).toBe(true);
    const streamed = fakeRequest({ 'transfer-encoding': 'chunked' }, [
      'x'.repeat(80),
      'x'.repeat(80),
    ]);
    await expect(readJsonBody(streamed, 100)).rejects.toMatchObject({ type: 'entity.too.large' });
  });
});
