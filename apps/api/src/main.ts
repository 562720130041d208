import { fileURLToPath } from 'node:url';
import { startAtrium } from './cluster/start-atrium.js';

// One process, or a cluster primary and its workers (UVICORN_WORKERS); workers run this file too.
startAtrium(fileURLToPath(import.meta.url)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
