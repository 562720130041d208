// Benchmark runner: `npm run bench [-- <name> ...] [-- --runs N]`.
// Runs the benchmarks listed in bench/index.mjs, prints a table and writes bench/results.json.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchmarks } from '../bench/index.mjs';
import { ensureBuilt } from './start.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string' },
    output: { type: 'string', default: join(root, 'bench/results.json') },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  for (const benchmark of benchmarks) console.log(`${benchmark.name}\t${benchmark.description}`);
  process.exit(0);
}

const unknown = positionals.filter((name) => !benchmarks.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected =
  positionals.length > 0 ? benchmarks.filter((b) => positionals.includes(b.name)) : benchmarks;
const runs = values.runs ? Number.parseInt(values.runs, 10) : 5;
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}

if (selected.some((benchmark) => benchmark.needsBuild)) ensureBuilt();

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const rows = [];
const failures = [];
for (const benchmark of selected) {
  console.error(`\n[bench] ${benchmark.name}: ${benchmark.description}`);
  try {
    const results = await benchmark.run({
      root,
      runs,
      log: (message) => console.error(`[bench] ${benchmark.name}: ${message}`),
    });
    for (const result of results) rows.push({ benchmark: benchmark.name, ...result });
  } catch (error) {
    failures.push({
      benchmark: benchmark.name,
      error: error instanceof Error ? error.message : String(error),
    });
    console.error(
      `[bench] ${benchmark.name} FAILED: ${error instanceof Error ? error.message : error}`,
    );
  }
}

function printTable(tableRows) {
  const header = ['benchmark', 'metric', 'unit', 'median', 'min', 'max', 'n'];
  const cells = tableRows.map((row) => [
    row.benchmark,
    row.metric,
    row.unit,
    String(row.median),
    String(row.min),
    String(row.max),
    String(row.samples.length),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column].length)),
  );
  const numeric = new Set([3, 4, 5, 6]);
  const line = (cell) =>
    `| ${cell.map((value, column) => (numeric.has(column) ? value.padStart(widths[column]) : value.padEnd(widths[column]))).join(' | ')} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((width, column) => (numeric.has(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`,
  );
  for (const cell of cells) console.log(line(cell));
}

console.log('');
if (rows.length > 0) printTable(rows);

const report = {
  generatedAt: new Date().toISOString(),
  commit: gitCommit(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  runs,
  results: rows,
  failures,
};
await mkdir(dirname(values.output), { recursive: true });
await writeFile(values.output, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${values.output}`);
if (failures.length > 0) process.exit(1);
