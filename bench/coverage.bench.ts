/**
 * The coverage study for one sample per query: EXACT coverage (no Monte
 * Carlo) at nominal 95% of every interval method for single rates (p × n)
 * and paired gaps ((p_free, p_paid) × shared-draw fraction × n), with
 * per-method summaries against the targets (worst cell ≥ 93%, mean within
 * 94–96%). By default on the fine grids (rates: p = 0.0005 … 0.5 in steps of
 * 0.0005; gaps: 49 rate pairs); `--coarse` uses the old five-point grid.
 * Prints Markdown (docs/statistics.md holds a copy). The clustered designs
 * and contrasts are in bench/coverage-clustered.bench.ts.
 *
 * Run: npx tsx bench/coverage.bench.ts [--coarse] [--full]
 *   --full  adds the gap tables cell by cell and, for rates, every p where a method dips below 93%
 */
import {
  COVERAGE_GAP_PAIRS,
  COVERAGE_GAP_PAIRS_FINE,
  COVERAGE_P,
  COVERAGE_P_FINE,
  COVERAGE_TARGET,
  coverageStudy,
  summariseCoverage,
  type CoverageRow,
} from "../lib/stats";

const coarse = process.argv.includes("--coarse");
const full = process.argv.includes("--full");
const t0 = performance.now();
const rows = coverageStudy(coarse ? {} : { ps: COVERAGE_P_FINE, pairs: COVERAGE_GAP_PAIRS_FINE });
const ms = performance.now() - t0;
const pc = (x: number, d = 1) => (Number.isFinite(x) ? (100 * x).toFixed(d) : "–");

console.log(
  `Exact coverage (no Monte Carlo), ${rows.length} cells on the ${coarse ? "old five-point" : "fine"} grid (rates: ${coarse ? COVERAGE_P.length : COVERAGE_P_FINE.length} values of p; gaps: ${coarse ? COVERAGE_GAP_PAIRS.length : COVERAGE_GAP_PAIRS_FINE.length} rate pairs), computed in ${(ms / 1000).toFixed(1)} s.`,
);
console.log(`Targets for a default: worst cell ≥ ${pc(COVERAGE_TARGET.worst, 0)}%, mean within ${pc(COVERAGE_TARGET.meanLow, 0)}–${pc(COVERAGE_TARGET.meanHigh, 0)}%.\n`);
console.log("| family | method | shared draws | worst cell | worst at | mean | mean (≥5 expected events) | cells < 93% | meets targets |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const s of summariseCoverage(rows)) {
  const below = rows.filter((r) => r.family === s.family && r.method === s.method && r.shared === s.shared && r.coverage < COVERAGE_TARGET.worst).length;
  console.log(`| ${s.family} | ${s.method} | ${s.shared ?? "–"} | ${pc(s.worst, 2)}% | ${s.worstCell} | ${pc(s.mean)}% | ${pc(s.meanInformative)}% | ${below} of ${s.cells} | ${s.meetsTarget ? "yes" : "no"} |`);
}

// rates per n: worst and mean per method (the fine grid is too wide to print whole)
console.log("\nRates by n: worst cell (at p) and mean, exact\n");
const rateMethods = [...new Set(rows.filter((r) => r.family === "rate").map((r) => r.method))];
const ns = [...new Set(rows.map((r) => r.n))];
console.log(`| method | ${ns.map((n) => `n=${n}`).join(" | ")} |`);
console.log(`|---|${ns.map(() => "---").join("|")}|`);
for (const m of rateMethods) {
  const cells = ns.map((n) => {
    const sel = rows.filter((r) => r.family === "rate" && r.method === m && r.n === n);
    const w = sel.reduce((a, b) => (b.coverage < a.coverage ? b : a));
    const mean = sel.reduce((s, r) => s + r.coverage, 0) / sel.length;
    return `${pc(w.coverage, 2)} (p=${w.p}); mean ${pc(mean)}`;
  });
  console.log(`| ${m} | ${cells.join(" | ")} |`);
}

function table(sel: CoverageRow[], title: string) {
  const cells = [...new Set(sel.map((r) => r.cell))];
  const nn = [...new Set(sel.map((r) => r.n))];
  console.log(`\n${title}\n`);
  console.log(`| method | n | ${cells.join(" | ")} |`);
  console.log(`|---|---|${cells.map(() => "---").join("|")}|`);
  for (const m of [...new Set(sel.map((r) => r.method))]) {
    for (const n of nn) console.log(`| ${m} | ${n} | ${cells.map((c) => pc(sel.find((r) => r.method === m && r.n === n && r.cell === c)!.coverage)).join(" | ")} |`);
  }
}
if (full) {
  if (coarse) table(rows.filter((r) => r.family === "rate"), "Rates: coverage % by true rate p");
  else {
    console.log("\nRates: every p (step 0.0005) where a method covers less than 93%\n");
    for (const m of rateMethods) {
      for (const n of ns) {
        const dips = rows.filter((r) => r.family === "rate" && r.method === m && r.n === n && r.coverage < COVERAGE_TARGET.worst);
        if (dips.length) console.log(`- ${m}, n=${n}: ${dips.length} p values, e.g. ${dips.slice(0, 6).map((r) => `${r.p} (${pc(r.coverage)}%)`).join(", ")}${dips.length > 6 ? ", …" : ""}`);
      }
    }
  }
  for (const s of [...new Set(rows.filter((r) => r.family === "gap").map((r) => r.shared))]) {
    table(rows.filter((r) => r.family === "gap" && r.shared === s), `Paired gaps, shared draws ${s}: coverage % by (p_free vs p_paid)`);
  }
}
