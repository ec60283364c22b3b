/**
 * Coverage by simulation of intervals for the mean compliance gap over
 * wordings × queries (lib/stats/crossedCoverage.ts; docs/statistics.md,
 * "Wording as a factor", holds a copy of the output). Seeded: the same
 * command prints the same numbers.
 *
 * Run: npx tsx bench/crossed-coverage.bench.ts [--replicates R] [--full]
 *   --full adds every cell of the default method and the two one-way methods.
 */
import { crossedCoverageGrid, crossedCoverageStudy, expectedDiscordant, summariseCrossedCoverage, type CrossedCoverageRow } from "../lib/stats";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const R = arg("--replicates", 1000);
const pc = (x: number) => (100 * x).toFixed(1);
const SEED = 20261130;

const t0 = performance.now();
const rows = crossedCoverageStudy({ seed: SEED, replicates: R });
const ms = performance.now() - t0;
const cells = crossedCoverageGrid();
console.log(`Monte Carlo coverage at nominal 95%, ${cells.length} cells × ${R} replicates (seed ${SEED}), ${(ms / 1000).toFixed(1)} s.`);
console.log(`Monte Carlo standard error of one cell ≈ ${pc(Math.sqrt((0.95 * 0.05) / R))} pp.\n`);

function summary(title: string, sel: CrossedCoverageRow[], o: { informative?: boolean; wordings?: number }) {
  console.log(`${title}\n`);
  console.log("| method | cells | worst cell | worst at | mean | mean width (pp) |");
  console.log("|---|---|---|---|---|---|");
  for (const s of summariseCrossedCoverage(sel, o)) console.log(`| ${s.method} | ${s.cells} | ${pc(s.worst)}% | ${s.worstAt} | ${pc(s.mean)}% | ${pc(s.width)} |`);
  console.log("");
}
summary("Informative cells (≥ 5 expected discordant queries per wording), all W:", rows, { informative: true });
for (const W of [4, 8, 16]) summary(`Informative cells, W = ${W} wordings:`, rows, { informative: true, wordings: W });
summary("Every cell where something varies (gap > 0 or σ > 0), all W:", rows, {});

// The pigeonhole bootstrap costs B resamples per replicate: a sub-grid only.
const sub = cells.filter((c) => c.queries === 50 && c.gap === 0.1 && c.share === 1 && c.p0 === 0.2);
const pig = crossedCoverageStudy({ seed: SEED + 1, replicates: Math.min(R, 400), cells: sub, methods: ["crossed-anova-t-cc", "crossed-anova-t", "pigeonhole"], B: 500 });
console.log(`Pigeonhole bootstrap (B = 500) beside the ANOVA intervals on a sub-grid (Q = 50, p0 = 0.2, gap = 0.1, share 1; ${Math.min(R, 400)} replicates):\n`);
console.log("| W | σ | crossed-anova-t-cc | crossed-anova-t | pigeonhole |");
console.log("|---|---|---|---|---|");
for (const c of sub) {
  const get = (m: string) => pig.find((r) => r.method === m && r.wordings === c.wordings && r.sd === c.sd)!;
  console.log(`| ${c.wordings} | ${c.sd} | ${pc(get("crossed-anova-t-cc").coverage)}% | ${pc(get("crossed-anova-t").coverage)}% | ${pc(get("pigeonhole").coverage)}% |`);
}

if (process.argv.includes("--full")) {
  console.log("\nEvery cell (coverage %; E[disc] = expected discordant queries per wording):\n");
  console.log("| W | Q | p0 | gap | σ | share | E[disc] | anova-t-cc | anova-t | wordings-t | queries-t |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const c of cells) {
    const get = (m: string) => rows.find((r) => r.method === m && r.wordings === c.wordings && r.queries === c.queries && r.p0 === c.p0 && r.gap === c.gap && r.sd === c.sd && r.share === c.share)!;
    console.log(
      `| ${c.wordings} | ${c.queries} | ${c.p0} | ${c.gap} | ${+c.sd.toFixed(3)} | ${c.share} | ${expectedDiscordant(c).toFixed(1)} | ${pc(get("crossed-anova-t-cc").coverage)} | ${pc(get("crossed-anova-t").coverage)} | ${pc(get("wordings-t").coverage)} | ${pc(get("queries-t").coverage)} |`,
    );
  }
}
