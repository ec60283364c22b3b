/**
 * The coverage study for designs with several samples per query and for
 * contrasts (docs/statistics.md holds a copy of its output), plus the
 * reproduction of the audit's numbers for the old methods, the type I error
 * of the verdict-table tests, and the power check. Seeded Monte Carlo over
 * the beta-binomial query model of lib/stats/clusterModel.ts; each cell's
 * Monte Carlo standard error is printed with it.
 *
 * Run: npx tsx bench/coverage-clustered.bench.ts [--quick] [--full] [--only audit,rates,gaps,contrasts,tests,power]
 *   --quick  fewer data sets per cell (1000) for a fast look
 *   --full   every cell of every table, not just the summaries and the misses
 */
import {
  CLUSTER_DESIGNS,
  CLUSTER_ICC,
  COVERAGE_TARGET,
  clusterContrastStudy,
  clusterGapStudy,
  clusterRateStudy,
  clusterSumPmf,
  clusteredGapPower,
  contrastConfigs,
  discordantFromRates,
  gapPower,
  gapPowerNormal,
  makeRng,
  modifiedWilsonInterval,
  normalQuantile,
  rateCoverage,
  percentilePValue,
  prepareGapContrast,
  simulateClusteredGapPower,
  simulateContrastQueries,
  simulateGapPower,
  type ClusterCoverageRow,
} from "../lib/stats";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const full = args.includes("--full");
const onlyArg = args.find((a) => a.startsWith("--only"));
const only = onlyArg ? new Set((onlyArg.includes("=") ? onlyArg.split("=")[1] : args[args.indexOf(onlyArg) + 1]).split(",")) : null;
const want = (s: string) => !only || only.has(s);
const reps = (n: number) => (quick ? Math.min(1000, n) : n);
const pc = (x: number, d = 1) => (Number.isFinite(x) ? (100 * x).toFixed(d) : "–");
const t0 = performance.now();
const lap = (what: string, t: number) => console.log(`\n_${what}: ${((performance.now() - t) / 1000).toFixed(1)} s_`);

function design(r: ClusterCoverageRow): string {
  return `${r.queries}×${r.samples}`;
}

/** Summary per (method, design[, shared]): worst cell, mean, informative mean, misses. */
function summary(rows: ClusterCoverageRow[], title: string, bySharing = false): void {
  const groups = new Map<string, ClusterCoverageRow[]>();
  for (const r of rows) {
    const k = `${r.method}\u0000${design(r)}${bySharing ? `\u0000${r.shared}` : ""}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  console.log(`\n${title}\n`);
  console.log(`| method | design |${bySharing ? " shared |" : ""} cells | worst | worst at | mean | mean (≥5 events) | cells < 93% | zero-width (max) | meets targets |`);
  console.log(`|---|---|${bySharing ? "---|" : ""}---|---|---|---|---|---|---|---|`);
  for (const g of groups.values()) {
    let worst = g[0];
    let sum = 0;
    let inf = 0;
    let infN = 0;
    let zw = 0;
    for (const r of g) {
      if (r.coverage < worst.coverage) worst = r;
      sum += r.coverage;
      if (r.expectedEvents >= 5) {
        inf += r.coverage;
        infN++;
      }
      zw = Math.max(zw, r.zeroWidth);
    }
    const mean = sum / g.length;
    const misses = g.filter((r) => r.coverage < COVERAGE_TARGET.worst).length;
    const meets = worst.coverage >= COVERAGE_TARGET.worst && mean >= COVERAGE_TARGET.meanLow && mean <= COVERAGE_TARGET.meanHigh;
    const at = `${worst.cell}, ICC ${worst.icc}${!bySharing && worst.shared !== undefined ? `, s ${worst.shared}` : ""}`;
    console.log(
      `| ${g[0].method} | ${design(g[0])} |${bySharing ? ` ${g[0].shared} |` : ""} ${g.length} | ${pc(worst.coverage)}% ± ${pc(worst.mcse)} | ${at} | ${pc(mean)}% | ${pc(inf / infN)}% | ${misses} | ${pc(zw, 0)}% | ${meets ? "yes" : "no"} |`,
    );
  }
}

/** Every cell below the worst-cell target, for the methods named. */
function misses(rows: ClusterCoverageRow[], methods: readonly string[], title: string): void {
  const m = rows.filter((r) => methods.includes(r.method) && r.coverage < COVERAGE_TARGET.worst).sort((a, b) => a.coverage - b.coverage);
  console.log(`\n${title}: ${m.length} cell(s) below ${pc(COVERAGE_TARGET.worst, 0)}%${m.length ? "" : "."}\n`);
  if (!m.length) return;
  console.log("| method | design | cell | ICC | shared | coverage | MC s.e. | zero-width |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of m) console.log(`| ${r.method} | ${design(r)} | ${r.cell} | ${r.icc} | ${r.shared ?? "–"} | ${pc(r.coverage)}% | ${pc(r.mcse)} | ${pc(r.zeroWidth, 0)}% |`);
}

/** Full grid table: rows = method × design × ICC (× shared), columns = cells. */
function grid(rows: ClusterCoverageRow[], title: string): void {
  const cells = [...new Set(rows.map((r) => r.cell))];
  console.log(`\n${title}\n`);
  console.log(`| method | design | ICC | shared | ${cells.join(" | ")} |`);
  console.log(`|---|---|---|---|${cells.map(() => "---").join("|")}|`);
  const keys = [...new Set(rows.map((r) => `${r.method}\u0000${design(r)}\u0000${r.icc}\u0000${r.shared ?? "–"}`))];
  for (const k of keys) {
    const [m, d, icc, s] = k.split("\u0000");
    const sel = rows.filter((r) => r.method === m && design(r) === d && String(r.icc) === icc && String(r.shared ?? "–") === s);
    console.log(`| ${m} | ${d} | ${icc} | ${s} | ${cells.map((c) => pc(sel.find((r) => r.cell === c)?.coverage ?? NaN)).join(" | ")} |`);
  }
}

console.log(`# Clustered coverage study (seeded Monte Carlo${quick ? ", --quick" : ""})`);
console.log(`Targets for a default: worst cell ≥ ${pc(COVERAGE_TARGET.worst, 0)}%, mean within ${pc(COVERAGE_TARGET.meanLow, 0)}–${pc(COVERAGE_TARGET.meanHigh, 0)}%.`);

if (want("audit")) {
  const t = performance.now();
  console.log("\n## The old methods, on the audit's design (50 queries × 8 samples) and the old five-point grid");
  console.log("\nThe audit's grid is not documented; ours for this check: p ∈ {0.005, 0.01, 0.05, 0.2, 0.5} (rates) and the old gap pairs, ICC ∈ {0, 0.05, 0.15}, shared draws 0.7 (main) and 1.");
  const d = [{ queries: 50, samples: 8 }];
  const iccs = [0, 0.05, 0.15];
  const r = clusterRateStudy({ designs: d, reps: reps(2000), methods: ["cluster-bootstrap (B = ∞)"], ps: [0.005, 0.01, 0.05, 0.2, 0.5], iccs });
  const g = clusterGapStudy({
    designs: d,
    reps: reps(2000),
    iccs,
    methods: ["cluster-bootstrap (B = ∞)", "tango (ignores clustering)"],
    pairs: [[0.005, 0.005], [0.005, 0.0025], [0.01, 0.01], [0.01, 0.005], [0.05, 0.05], [0.05, 0.025], [0.2, 0.2], [0.2, 0.1], [0.5, 0.5], [0.5, 0.25], [0.49, 0.35]],
  });
  const c = clusterContrastStudy({ designs: [{ queries: 50, samples: 1 }, { queries: 100, samples: 1 }], reps: reps(3000), methods: ["bootstrap-exact (paired)"], iccs: [0], configs: contrastConfigs([0.01, 0.02, 0.05]) });
  const worst = (rows: ClusterCoverageRow[]) => rows.reduce((a, b) => (b.coverage < a.coverage ? b : a));
  console.log("\n| old method | worst cell here | where | intervals of zero width there | the audit's figure |");
  console.log("|---|---|---|---|---|");
  const wr = worst(r);
  console.log(`| cluster bootstrap, rate | ${pc(wr.coverage)}% ± ${pc(wr.mcse)} | ${wr.cell}, ICC ${wr.icc} | ${pc(wr.zeroWidth)}% | 73%, 27% [0, 0] |`);
  const cb = g.filter((x) => x.method.startsWith("cluster"));
  const wg = worst(cb.filter((x) => x.shared === 0.7));
  const wg1 = worst(cb);
  console.log(`| cluster bootstrap, gap (shared 0.7) | ${pc(wg.coverage)}% ± ${pc(wg.mcse)} | ${wg.cell}, ICC ${wg.icc} | ${pc(wg.zeroWidth)}% | 58%, 36% [0, 0] |`);
  console.log(`| cluster bootstrap, gap (shared 1) | ${pc(wg1.coverage)}% ± ${pc(wg1.mcse)} | ${wg1.cell}, ICC ${wg1.icc}, s ${wg1.shared} | ${pc(wg1.zeroWidth)}% | – |`);
  const wt = worst(g.filter((x) => x.method.startsWith("tango")));
  console.log(`| Tango on all 400 pairs (ignores clustering) | ${pc(wt.coverage)}% ± ${pc(wt.mcse)} | ${wt.cell}, ICC ${wt.icc}, s ${wt.shared} | ${pc(wt.zeroWidth)}% | 84% |`);
  for (const n of [50, 100]) {
    const cell = c.find((x) => x.queries === n && x.shared === 0.7 && x.cell === "(0.02−0.01) − (0.02−0.015)")!;
    const wc = worst(c.filter((x) => x.queries === n));
    console.log(`| paired contrast, exact bootstrap, n = ${n}: cell (2%−1%) − (2%−1.5%), s 0.7 | ${pc(cell.coverage)}% ± ${pc(cell.mcse)} | (worst here: ${pc(wc.coverage)}% at ${wc.cell}, s ${wc.shared}) | ${pc(cell.zeroWidth)}% | ${n === 50 ? "54%" : "79%"} |`);
  }
  let mw = 1;
  let mwAt = 0;
  for (let i = 1; i <= 1000; i++) {
    const p = i / 2000;
    const cov = rateCoverage((k, n) => modifiedWilsonInterval(k, n), p, 50);
    if (cov < mw) [mw, mwAt] = [cov, p];
  }
  console.log(`| modified Wilson, one sample per query, n = 50, p on a grid of step 0.0005 (exact) | ${pc(mw, 2)}% | p = ${mwAt} | 0% | 91.7% |`);
  if (full) {
    grid(r, "Cluster bootstrap, rates (50 × 8)");
    grid(g, "Old gap methods (50 × 8)");
    grid(c, "Exact paired bootstrap for contrasts");
  }
  lap("audit reproduction", t);
}

if (want("rates")) {
  const t = performance.now();
  const rows = clusterRateStudy({ reps: reps(4000), methods: ["agresti-coull-clustered", "agresti-coull-clustered+pooled", "wilson-modified-clustered", "wilson-modified-clustered+pooled", "agresti-coull (ignores clustering)"] });
  console.log(`\n## Rates, queries × samples (${rows.length} cells; designs ${CLUSTER_DESIGNS.map((d) => `${d.queries}×${d.samples}`).join(", ")}; ICC ${CLUSTER_ICC.join(", ")}; ${reps(4000)} data sets per cell)`);
  summary(rows, "Summary");
  misses(rows, ["wilson-modified-clustered+pooled", "agresti-coull-clustered+pooled"], "Misses of the clustered intervals with the run's pooled ICC");
  misses(rows, ["wilson-modified-clustered"], "Misses of the clustered modified Wilson interval without a pooled ICC (a run with a single informative cell)");
  if (full) grid(rows, "Every cell (coverage %)");
  lap("rates", t);
}

if (want("gaps")) {
  const t = performance.now();
  const rows = clusterGapStudy({ reps: reps(3000), methods: ["tango-clustered", "tango-clustered+pooled", "tango (ignores clustering)"] });
  console.log(`\n## Paired gaps, queries × samples (${rows.length} cells; ${reps(3000)} data sets per cell)`);
  summary(rows, "Summary", true);
  misses(rows, ["tango-clustered+pooled"], "Misses of the clustered Tango interval with the run's pooled ICC");
  misses(rows, ["tango-clustered"], "Misses of the clustered Tango interval without a pooled ICC");
  if (full) grid(rows, "Every cell (coverage %)");
  lap("gaps", t);
}

if (want("contrasts")) {
  const t = performance.now();
  const rows = clusterContrastStudy({ reps: reps(3000), methods: ["mover-tango", "mover-tango+pooled", "bootstrap-exact (paired)"] });
  console.log(`\n## Differences of two gaps on shared queries (${rows.length} cells; ${reps(3000)} data sets per cell)`);
  summary(rows, "Summary", true);
  misses(rows, ["mover-tango", "mover-tango+pooled"], "Misses of MOVER–Tango");
  if (full) grid(rows, "Every cell (coverage %)");
  lap("contrasts", t);
}

if (want("tests")) {
  const t = performance.now();
  console.log("\n## Type I error of the verdict-table tests (difference of two equal gaps, two-sided)");
  console.log("\nRejection rate when the true contrast is 0; the MOVER test rejects exactly when its (1 − α) interval excludes 0.\n");
  console.log("| design | gaps (both) | shared | ICC | α | MOVER–Tango test | percentile bootstrap p-value | data sets |");
  console.log("|---|---|---|---|---|---|---|---|");
  const R = reps(4000);
  for (const d of [{ queries: 50, samples: 1 }, { queries: 100, samples: 1 }, { queries: 50, samples: 8 }]) {
    for (const icc of d.samples === 1 ? [0] : [0, 0.3]) {
      for (const p of [0.02, 0.05, 0.1, 0.2]) {
        for (const s of [0.7]) {
          const u = makeRng(9000 + Math.round(p * 1000) + d.queries + d.samples * 7 + Math.round(icc * 100));
          const rej = { m0125: 0, m05: 0, b0125: 0, b05: 0 };
          const z0125 = normalQuantile(1 - 0.0125 / 2);
          const z05 = normalQuantile(0.975);
          for (let r = 0; r < R; r++) {
            const qs = simulateContrastQueries(u, { ...d, gaps: [[p, p / 2], [p, p / 2]], shared: s, icc });
            const prep = prepareGapContrast(qs, [1, -1]);
            const [l1, h1] = prep.boundsAt(z0125);
            if (l1 > 0 || h1 < 0) rej.m0125++;
            const [l2, h2] = prep.boundsAt(z05);
            if (l2 > 0 || h2 < 0) rej.m05++;
            const { offset, pmf } = clusterSumPmf(qs.map((q) => q.b[0] - q.c[0] - (q.b[1] - q.c[1])));
            const support = Array.from(pmf, (_, i) => i + offset);
            const pb = percentilePValue(support, 0, pmf);
            if (pb <= 0.0125) rej.b0125++;
            if (pb <= 0.05) rej.b05++;
          }
          const se = (x: number, a: number) => `${pc(x / R, 2)}% (±${pc(Math.sqrt((a * (1 - a)) / R), 2)})`;
          console.log(`| ${d.queries}×${d.samples} | ${p} − ${p / 2} | ${s} | ${icc} | 1.25% | ${se(rej.m0125, 0.0125)} | ${se(rej.b0125, 0.0125)} | ${R} |`);
          console.log(`| ${d.queries}×${d.samples} | ${p} − ${p / 2} | ${s} | ${icc} | 5% | ${se(rej.m05, 0.05)} | ${se(rej.b05, 0.05)} | ${R} |`);
        }
      }
    }
  }
  lap("type I error", t);
}

if (want("power")) {
  const t = performance.now();
  console.log("\n## Power: the reported test, enumerated, against its simulation");
  console.log("\n| effect | shared | n | Connor (normal) | exact McNemar: enumerated | simulated | asymptotic McNemar (Tango's test): enumerated | simulated |");
  console.log("|---|---|---|---|---|---|---|---|");
  const R = reps(20000);
  let worstGap = 0;
  for (const [pA, pB] of [[0.03, 0.01], [0.05, 0.01], [0.1, 0.05], [0.2, 0.1], [0.49, 0.35]] as const) {
    for (const n of [50, 100, 200, 400]) {
      const d = discordantFromRates(pA, pB, 0.7);
      const ex = gapPower(d, n, 0.05, { test: "exact" });
      const exS = simulateGapPower(d, { n, reps: R, seed: n + Math.round(1000 * pA), test: "exact" });
      const as = gapPower(d, n, 0.05);
      const asS = simulateGapPower(d, { n, reps: R, seed: 7 * n + Math.round(1000 * pA) });
      worstGap = Math.max(worstGap, Math.abs(ex - exS), Math.abs(as - asS));
      console.log(`| ${pA} vs ${pB} | 0.7 | ${n} | ${pc(gapPowerNormal(d, n))}% | ${pc(ex)}% | ${pc(exS)}% | ${pc(as)}% | ${pc(asS)}% |`);
    }
  }
  console.log(`\nLargest |enumerated − simulated|: ${pc(worstGap, 2)} points (${R} simulated studies per cell, s.e. ≤ ${pc(Math.sqrt(0.25 / R), 2)}).`);
  console.log("\nClustered: the planner's approximation (exact power at n_eff = Q·m/DE) against a simulation of the clustered McNemar test itself.\n");
  console.log("| effect | shared | ICC | design | DE (model) | planned power | simulated power | data sets |");
  console.log("|---|---|---|---|---|---|---|---|");
  const Rc = reps(2000);
  for (const [pA, pB] of [[0.03, 0.01], [0.05, 0.025], [0.1, 0.05]] as const) {
    for (const icc of [0, 0.15, 0.3]) {
      for (const [q, m] of [[50, 8], [25, 16], [100, 4]] as const) {
        const a = clusteredGapPower({ pA, pB, shared: 0.7, icc, queries: q, samples: m });
        const s = simulateClusteredGapPower({ pA, pB, shared: 0.7, icc, queries: q, samples: m, reps: Rc, seed: q * 31 + m + Math.round(icc * 100) + Math.round(pA * 1000) });
        console.log(`| ${pA} vs ${pB} | 0.7 | ${icc} | ${q}×${m} | ${a.de.toFixed(2)} | ${pc(a.power)}% | ${pc(s)}% | ${Rc} |`);
      }
    }
  }
  lap("power", t);
}

console.log(`\n_total: ${((performance.now() - t0) / 1000).toFixed(1)} s_`);
