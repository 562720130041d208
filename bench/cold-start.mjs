// Cold start: spawn `node dist/apps/api/src/main.js` on a fresh DATA_DIR (SQLite), time until
// /health first answers 200, then read the idle RSS 3 s later.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMegabytes, startServer } from './support/server-process.mjs';
import { summarize } from './support/stats.mjs';

export default {
  name: 'cold-start',
  description:
    'node --max-semi-space-size=4 dist/apps/api/src/main.js, fresh SQLite DATA_DIR: time to first 200 /health',
  needsBuild: true,
  async run({ root, runs = 5, log }) {
    const startup = [];
    const rss = [];
    for (let run = 1; run <= runs; run += 1) {
      const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-'));
      const server = await startServer({
        entry: join(root, 'dist/apps/api/src/main.js'),
        cwd: root,
        env: { DATA_DIR: dataDir, WEBUI_SECRET_KEY: 'atrium-bench-secret', NODE_ENV: 'production' },
      });
      try {
        const ready = await server.waitFor200('/health');
        startup.push(ready - server.started);
        await sleep(3_000);
        rss.push(await rssMegabytes(server.pid));
        log(
          `run ${run}/${runs}: ${(ready - server.started).toFixed(0)} ms, ${rss.at(-1).toFixed(1)} MB`,
        );
      } finally {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    }
    return [
      { metric: 'cold start to first 200 /health', unit: 'ms', ...summarize(startup) },
      { metric: 'idle RSS 3 s after /health', unit: 'MB', ...summarize(rss) },
    ];
  },
};
