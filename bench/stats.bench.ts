/**
 * Interval speed on 150 cells (25 models × 3 conditions × 2 tiers, n = 400
 * pairs each). Per cell: 95% CIs for the two tiers' rates and their paired gap.
 *
 * Prints, in one run:
 * - the exact bootstrap (B = ∞) paths, cold (first pass, includes JIT) and warm (best of 5);
 * - the project defaults for one sample per query (Agresti–Coull + Tango), cold and warm;
 * - a naive resampling implementation (B = 10,000) on the same cells, and the ratio;
 * - scipy.stats.bootstrap (percentile, B = 10,000) on the same data via
 *   /usr/bin/python3, and the ratio (skipped, with an install hint, when scipy is missing).
 *
 * Run: npx tsx bench/stats.bench.ts [--cells=150] [--naive-cells=15] [--scipy-cells=6]
 * (naive and scipy run on the first K cells and are scaled to all cells; say 150 to time them all.)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gapInterval, makeRng, pairedGapInterval, rateInterval, type PairedCounts } from "../lib/stats";
import { projectRoot } from "../lib/util/paths";

function arg(name: string, dflt: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : dflt;
}

const CELLS = arg("cells", 150);
const NAIVE_CELLS = Math.min(CELLS, arg("naive-cells", 15));
const SCIPY_CELLS = Math.min(CELLS, arg("scipy-cells", 6));
const N = 400;
const B = 10_000;
const LEVEL = 0.95;
const PYTHON = "/usr/bin/python3";

// Random cells: a first-tier rate and a correlated second-tier rate.
const u = makeRng(20251124);
const cells: PairedCounts[] = [];
for (let c = 0; c < CELLS; c++) {
  const pA = 0.05 + 0.9 * u();
  const pB = Math.max(0, Math.min(1, pA - 0.3 * u()));
  const counts = { n11: 0, n10: 0, n01: 0, n00: 0 };
  for (let i = 0; i < N; i++) {
    const shared = u();
    const a = shared < pA;
    const b = u() < 0.7 ? shared < pB : u() < pB;
    if (a && b) counts.n11++;
    else if (a) counts.n10++;
    else if (b) counts.n01++;
    else counts.n00++;
  }
  cells.push(counts);
}

type Six = [number, number, number, number, number, number];

function exactAll(): Six[] {
  return cells.map((c) => {
    const ra = rateInterval(c.n11 + c.n10, N, { method: "bootstrap", level: LEVEL });
    const rb = rateInterval(c.n11 + c.n01, N, { method: "bootstrap", level: LEVEL });
    const g = pairedGapInterval(c, { level: LEVEL });
    return [ra.low, ra.high, rb.low, rb.high, g.low, g.high];
  });
}

function defaultsAll(): Six[] {
  return cells.map((c) => {
    const ra = rateInterval(c.n11 + c.n10, N, { level: LEVEL });
    const rb = rateInterval(c.n11 + c.n01, N, { level: LEVEL });
    const g = gapInterval(c, { level: LEVEL });
    return [ra.low, ra.high, rb.low, rb.high, g.low, g.high];
  });
}

function timeIt(f: () => Six[]): { cold: number; warm: number; out: Six[] } {
  const t0 = performance.now();
  let out = f();
  const cold = performance.now() - t0;
  let warm = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    out = f();
    warm = Math.min(warm, performance.now() - t);
  }
  return { cold, warm, out };
}

function q(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length - 1e-9) - 1)];
}

/** The textbook way: materialise the pairs, resample B times, sort, read quantiles. */
function naiveCell(c: PairedCounts, seed: number): Six {
  const codes = new Uint8Array(N);
  let i = 0;
  for (let k = 0; k < c.n11; k++) codes[i++] = 3;
  for (let k = 0; k < c.n10; k++) codes[i++] = 2;
  for (let k = 0; k < c.n01; k++) codes[i++] = 1;
  const rng = makeRng(seed);
  const ra = new Float64Array(B);
  const rb = new Float64Array(B);
  const rg = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let x11 = 0;
    let x10 = 0;
    let x01 = 0;
    for (let t = 0; t < N; t++) {
      const v = codes[Math.floor(rng() * N)];
      if (v === 3) x11++;
      else if (v === 2) x10++;
      else if (v === 1) x01++;
    }
    ra[b] = (x11 + x10) / N;
    rb[b] = (x11 + x01) / N;
    rg[b] = (x10 - x01) / N;
  }
  ra.sort();
  rb.sort();
  rg.sort();
  const lo = (1 - LEVEL) / 2;
  return [q(ra, lo), q(ra, 1 - lo), q(rb, lo), q(rb, 1 - lo), q(rg, lo), q(rg, 1 - lo)];
}

const exact = timeIt(exactAll);
const defaults = timeIt(defaultsAll);

const t1 = performance.now();
const naive: Six[] = [];
for (let c = 0; c < NAIVE_CELLS; c++) naive.push(naiveCell(cells[c], 1000 + c));
const naiveMeasured = performance.now() - t1;
const naiveMs = (naiveMeasured * CELLS) / NAIVE_CELLS;

const maxDiff = (xs: Six[], k: number) => {
  let m = 0;
  for (let c = 0; c < k; c++) for (let j = 0; j < 6; j++) m = Math.max(m, Math.abs(exact.out[c][j] - xs[c][j]));
  return m;
};

const fmt = (x: number) => x.toFixed(1);
const scaledNote = (k: number, measured: number) => (k < CELLS ? ` (measured ${fmt(measured)} ms on ${k} cells, scaled ×${(CELLS / k).toFixed(1)})` : "");
console.log(`cells: ${CELLS} (25 models × 3 conditions × 2 tiers; n = ${N} pairs each); per cell: 2 rate CIs + 1 paired-gap CI at level ${LEVEL}`);
console.log(`exact bootstrap (B = ∞):         warm ${fmt(exact.warm)} ms total (best of 5), cold first pass ${fmt(exact.cold)} ms; ${(exact.warm / CELLS).toFixed(3)} ms per cell`);
console.log(`defaults (Agresti–Coull + Tango): warm ${fmt(defaults.warm)} ms, cold ${fmt(defaults.cold)} ms`);
console.log(`naive resampling (B = ${B}):    ${fmt(naiveMs)} ms total${scaledNote(NAIVE_CELLS, naiveMeasured)}`);
console.log(`  speed-up of exact over naive: ${(naiveMs / exact.warm).toFixed(0)}× warm, ${(naiveMs / exact.cold).toFixed(0)}× cold`);
console.log(`  largest |exact − naive| endpoint: ${maxDiff(naive, NAIVE_CELLS).toFixed(4)} (grid step 1/n = ${(1 / N).toFixed(4)}; Monte Carlo noise)`);

const scipyOk = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import scipy"], { stdio: "ignore" }).status === 0;
if (!scipyOk) {
  console.log(`scipy: not available at ${PYTHON}; to compare, install it: apt-get install python3-scipy`);
} else {
  const payload = JSON.stringify({ cells: cells.slice(0, SCIPY_CELLS).map((c) => [c.n11, c.n10, c.n01, c.n00]), B, level: LEVEL });
  const r = spawnSync(PYTHON, [join(projectRoot(), "bench", "stats_scipy.py")], { input: payload, encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`scipy: the helper failed: ${(r.stderr || "").trim().split("\n").pop()}`);
  } else {
    const res = JSON.parse(r.stdout) as { ms: number; intervals: Six[] };
    const scipyMs = (res.ms * CELLS) / SCIPY_CELLS;
    console.log(`scipy.stats.bootstrap (percentile, B = ${B}): ${fmt(scipyMs)} ms total${scaledNote(SCIPY_CELLS, res.ms)}`);
    console.log(`  speed-up of exact over scipy: ${(scipyMs / exact.warm).toFixed(0)}× warm, ${(scipyMs / exact.cold).toFixed(0)}× cold`);
    console.log(`  largest |exact − scipy| endpoint: ${maxDiff(res.intervals, SCIPY_CELLS).toFixed(4)} (scipy interpolates between resamples)`);
    console.log(`target (≥ 100× faster than scipy): ${scipyMs / exact.cold >= 100 ? "met (even cold)" : scipyMs / exact.warm >= 100 ? "met warm" : "MISSED"}`);
  }
}
console.log(`target (< 50 ms for all 150 cells): warm ${exact.warm < 50 ? "met" : "MISSED"}, cold ${exact.cold < 50 ? "met" : "MISSED"}`);
