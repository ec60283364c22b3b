/**
 * Notebook benchmark (issue: the workbook): execute every notebook offline
 * exactly as `afw notebooks --check` does (worker processes, two at a time
 * by default, each type-checking the library once) and print the total
 * wall time, each notebook's wall time, the process CPU time, and the ratio
 * to the 90 s target. Notebooks are not modified (--check); figures are
 * rewritten in figures/ as the notebooks save them.
 *
 * Run: npx tsx bench/notebooks.bench.ts [--jobs N]   (or npm run bench notebooks)
 *
 * The machine's load from other processes is printed too: on a shared
 * two-core machine the wall time moves with it.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { defaultJobs, listNotebooks, notebookName, runNotebooksInSubprocesses, type NotebookOutcome } from "../lib/tools/notebooks";
import { fromRoot } from "../lib/util/paths";

const TARGET_S = 90;

/** CPU seconds (user + system) of this process's finished children, from /proc (Linux); null elsewhere. */
function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command: state is field 3; cutime and cstime are fields 16 and 17 (1-based), in clock ticks (100 Hz).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const i = process.argv.indexOf("--jobs");
  const jobs = i > 0 ? Number(process.argv[i + 1]) : defaultJobs();
  const notebooks = listNotebooks(fromRoot("notebooks"));
  const outcomes: NotebookOutcome[] = [];
  const load = loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`notebooks: ${notebooks.length} on ${cpus().length} cores, ${jobs} worker(s); load average before: ${load}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await runNotebooksInSubprocesses(notebooks, { root: fromRoot(), check: true, jobs, print: () => {}, onOutcome: (o) => outcomes.push(o) });
  const wall = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(cpu0);
  const children = childCpuSeconds();
  outcomes.sort((a, b) => (notebookName(a.path) < notebookName(b.path) ? -1 : 1));
  const w = Math.max(...outcomes.map((o) => notebookName(o.path).length));
  for (const o of outcomes) {
    const cells = o.result?.cellSeconds ?? [];
    const first = cells.length ? ` (first cell ${cells[0].toFixed(1)} s)` : "";
    console.log(`  ${notebookName(o.path).padEnd(w)}  ${o.seconds.toFixed(1).padStart(5)} s  ${o.ok ? "ok" : "FAILED"}${first}`);
  }
  const sum = outcomes.reduce((a, o) => a + o.seconds, 0);
  const cpu = children === null ? "n/a" : `${children.toFixed(1)} s`;
  console.log(`total wall: ${wall.toFixed(1)} s for all notebooks (sum of per-notebook walls ${sum.toFixed(1)} s; CPU of the workers and their Chromium ${cpu}; driver ${((own.user + own.system) / 1e6).toFixed(1)} s)`);
  console.log(`ratio to the ${TARGET_S} s target: ${(wall / TARGET_S).toFixed(2)} (${wall <= TARGET_S ? "met" : "missed"}); load average after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
