/**
 * Exact bootstrap paths vs naive resampling, on 150 cells of n = 400 pairs.
 * For each cell: 95% CIs for the two tiers' rates and their paired gap.
 * Run: npx tsx bench/stats.bench.ts [--cells=150] [--naive-cells=150]
 * (--naive-cells below --cells times naive resampling on a subset and scales up.)
 */
import { makeRng, pairedGapInterval, rateInterval, type PairedCounts } from "../lib/stats";

function arg(name: string, dflt: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : dflt;
}

const CELLS = arg("cells", 150);
const NAIVE_CELLS = Math.min(CELLS, arg("naive-cells", CELLS));
const N = 400;
const B = 10_000;
const LEVEL = 0.95;

// Random cells: each has a first-tier rate and a second-tier rate with some correlation.
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

interface Triple {
  a: [number, number];
  b: [number, number];
  gap: [number, number];
}

function exactAll(): Triple[] {
  return cells.map((c) => {
    const ra = rateInterval(c.n11 + c.n10, N, { level: LEVEL });
    const rb = rateInterval(c.n11 + c.n01, N, { level: LEVEL });
    const g = pairedGapInterval(c, { level: LEVEL });
    return { a: [ra.low, ra.high], b: [rb.low, rb.high], gap: [g.low, g.high] };
  });
}

function q(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length - 1e-9) - 1)];
}

function naiveCell(c: PairedCounts, seed: number): Triple {
  // outcomes as codes: 3 = (1,1), 2 = (1,0), 1 = (0,1), 0 = (0,0)
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
  const hi = 1 - lo;
  return { a: [q(ra, lo), q(ra, hi)], b: [q(rb, lo), q(rb, hi)], gap: [q(rg, lo), q(rg, hi)] };
}

// time one cold pass (includes JIT warm-up), then the best of 5
const t0cold = performance.now();
exactAll();
const coldMs = performance.now() - t0cold;
let exactMs = Infinity;
let exact: Triple[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  exact = exactAll();
  exactMs = Math.min(exactMs, performance.now() - t0);
}

const t1 = performance.now();
const naive: Triple[] = [];
for (let c = 0; c < NAIVE_CELLS; c++) naive.push(naiveCell(cells[c], 1000 + c));
const naiveMeasured = performance.now() - t1;
const naiveMs = (naiveMeasured * CELLS) / NAIVE_CELLS;

let maxDiff = 0;
for (let c = 0; c < NAIVE_CELLS; c++) {
  for (const key of ["a", "b", "gap"] as const) {
    for (const j of [0, 1]) maxDiff = Math.max(maxDiff, Math.abs(exact[c][key][j] - naive[c][key][j]));
  }
}

const fmt = (x: number) => x.toFixed(1);
console.log(`cells: ${CELLS} (n = ${N} pairs each); per cell: 2 rate CIs + 1 paired-gap CI at level ${LEVEL}`);
console.log(`exact bootstrap (B = ∞):        ${fmt(exactMs)} ms total (best of 5; first cold pass ${fmt(coldMs)} ms), ${(exactMs / CELLS).toFixed(3)} ms per cell`);
console.log(
  `naive resampling (B = ${B}):  ${fmt(naiveMs)} ms total` +
    (NAIVE_CELLS < CELLS ? ` (measured ${fmt(naiveMeasured)} ms on ${NAIVE_CELLS} cells, scaled)` : "") +
    `, ${(naiveMs / CELLS).toFixed(1)} ms per cell`,
);
console.log(`speed-up: ${(naiveMs / exactMs).toFixed(0)}×`);
console.log(`largest |exact − naive| endpoint difference: ${maxDiff.toFixed(4)} (grid step 1/n = ${(1 / N).toFixed(4)}; Monte Carlo noise)`);
console.log(`target (< 50 ms for exact): ${exactMs < 50 ? "met" : "MISSED"}`);
