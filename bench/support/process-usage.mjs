// CPU time and resident memory of another process, from /proc (Linux).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processTree, rssMegabytes } from './server-process.mjs';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a /proc stat file, in seconds. */
function statCpuSeconds(path) {
  const stat = readFileSync(path, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** User + system CPU seconds a process has used so far, all its threads (/proc/<pid>/stat). */
export function cpuSeconds(pid) {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main (JavaScript) thread so far; the rest is V8's and libuv's helpers. */
export function mainThreadCpuSeconds(pid) {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * CPU seconds of a process and all its descendants (a UVICORN_WORKERS primary and its
 * workers). A descendant that exited in between is not counted.
 */
export function treeCpuSeconds(pid) {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      total += cpuSeconds(member);
    } catch {
      // exited between the listing and the read
    }
  }
  return total;
}

/**
 * Samples a process's RSS every `intervalMs` until stop() is called; stop() resolves to the
 * peak in MB. `measure` may be treeRssMegabytes to sum a process tree's RSS per sample.
 */
export function watchRss(pid, intervalMs = 50, measure = rssMegabytes) {
  let peak = 0;
  let sampling = Promise.resolve();
  const sample = () => {
    sampling = measure(pid).then(
      (mb) => {
        peak = Math.max(peak, mb);
      },
      () => {},
    );
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      sample();
      await sampling;
      return peak;
    },
  };
}
