// An OTLP/HTTP collector stand-in for the benchmarks: takes every export, keeps nothing.
import { createServer } from 'node:http';

/** An OTLP/HTTP sink on loopback: reads and acknowledges every export, counting them. */
export async function startOtlpSink() {
  const received = { exports: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('error', () => {}); // an export the server gave up on (timeout) is just dropped
    req.on('data', (chunk) => (received.bytes += chunk.length));
    req.on('end', () => {
      received.exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
