/**
 * The coverage study: exact coverage at nominal 95% of every interval method
 * for single rates (p × n) and paired gaps ((p_free, p_paid) × shared-draw
 * fraction × n), with per-method summaries against the targets (worst cell
 * ≥ 93%, mean within 94–96%). Prints Markdown (docs/statistics.md holds a copy).
 *
 * Run: npx tsx bench/coverage.bench.ts [--full]   (--full adds every cell, not just summaries)
 */
import { COVERAGE_TARGET, coverageStudy, summariseCoverage, type CoverageRow } from "../lib/stats";

const t0 = performance.now();
const rows = coverageStudy();
const ms = performance.now() - t0;
const pc = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : "–");

console.log(`Exact coverage (no Monte Carlo), ${rows.length} cells, computed in ${(ms / 1000).toFixed(1)} s.`);
console.log(`Targets for a default: worst cell ≥ ${pc(COVERAGE_TARGET.worst)}%, mean within ${pc(COVERAGE_TARGET.meanLow)}–${pc(COVERAGE_TARGET.meanHigh)}%.\n`);
console.log("| family | method | shared draws | worst cell | worst at | mean | mean (≥5 expected events) | meets targets |");
console.log("|---|---|---|---|---|---|---|---|");
for (const s of summariseCoverage(rows)) {
  console.log(`| ${s.family} | ${s.method} | ${s.shared ?? "–"} | ${pc(s.worst)}% | ${s.worstCell} | ${pc(s.mean)}% | ${pc(s.meanInformative)}% | ${s.meetsTarget ? "yes" : "no"} |`);
}

function table(sel: CoverageRow[], title: string) {
  const cells = [...new Set(sel.map((r) => r.cell))];
  const ns = [...new Set(sel.map((r) => r.n))];
  console.log(`\n${title}\n`);
  console.log(`| method | n | ${cells.join(" | ")} |`);
  console.log(`|---|---|${cells.map(() => "---").join("|")}|`);
  for (const m of [...new Set(sel.map((r) => r.method))]) {
    for (const n of ns) console.log(`| ${m} | ${n} | ${cells.map((c) => pc(sel.find((r) => r.method === m && r.n === n && r.cell === c)!.coverage)).join(" | ")} |`);
  }
}
if (process.argv.includes("--full")) {
  table(rows.filter((r) => r.family === "rate"), "Rates: coverage % by true rate p");
  for (const s of [...new Set(rows.filter((r) => r.family === "gap").map((r) => r.shared))]) {
    table(rows.filter((r) => r.family === "gap" && r.shared === s), `Paired gaps, shared draws ${s}: coverage % by (p_free vs p_paid)`);
  }
}
