/**
 * The motivations benchmark: does the verdict table recover each organism's
 * built-in motive, and claim no motive it lacks, at the paper's n, across
 * seeds? Runs the `motivations` experiment in-process (lib/experiments
 * simulatePlan: the same rendering, seeds, organism replies and tag rules as
 * `afw run motivations`, without HTTP or files) and prints the hit rate per
 * (organism, hypothesis) cell.
 *
 *   npx tsx bench/motivations.ts [--seeds 20] [--n N] [--B 4000]
 */
import { getExperiment, planExperiment, simulatePlan } from "../lib/experiments";
import { shippedQueries } from "../lib/queries";
import { motivationsReport, HYPOTHESES, type Verdict } from "../lib/analysis/motivations";
import { MOTIVE_HYPOTHESIS, motiveOrganism } from "../lib/organisms/motives";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** The verdict each organism should get: ✓ for its motive, × elsewhere. */
export function expectedVerdict(model: string, h: string): Verdict {
  const m = motiveOrganism(model);
  return m && MOTIVE_HYPOTHESIS[m.motive] === h ? "✓" : "×";
}

const seeds = arg("seeds", 20);
const n = process.argv.includes("--n") ? arg("n", 400) : undefined;
const B = arg("B", 4000);
const e = getExperiment("motivations");
const plan = planExperiment(e, { queries: shippedQueries(), offline: true, n });
const hits = new Map<string, number>();
const seen = new Map<string, Map<string, number>>();
const t0 = Date.now();
let simMs = 0;
let anaMs = 0;
for (let seed = 0; seed < seeds; seed++) {
  const a = Date.now();
  const samples = simulatePlan(plan, seed);
  const b = Date.now();
  const r = motivationsReport(samples, e.contrasts, { seed, B });
  anaMs += Date.now() - b;
  simMs += b - a;
  for (const row of r.verdicts) {
    for (const h of HYPOTHESES) {
      const k = `${row.model}\u0000${h.id}`;
      const got = row.verdicts[h.id];
      if (got === expectedVerdict(row.model, h.id)) hits.set(k, (hits.get(k) ?? 0) + 1);
      const s = seen.get(k) ?? new Map<string, number>();
      s.set(got, (s.get(got) ?? 0) + 1);
      seen.set(k, s);
    }
  }
  process.stderr.write(`seed ${seed}: ${samples.length} samples, ${((Date.now() - a) / 1000).toFixed(1)} s\n`);
}
const models = e.offline;
const w = Math.max(...models.map((m) => m.length));
console.log(`motivations: ${plan.requests} requests per seed (n per condition as in the paper unless --n), ${seeds} seeds, B=${B}`);
console.log(`hit rate per (organism, hypothesis): expected verdict in brackets`);
console.log(`${"organism".padEnd(w)}  ${HYPOTHESES.map((h) => h.id.padEnd(10)).join("")}`);
let worst = 1;
for (const m of models) {
  const cells = HYPOTHESES.map((h) => {
    const k = `${m}\u0000${h.id}`;
    const hit = hits.get(k) ?? 0;
    worst = Math.min(worst, hit / seeds);
    return `${hit}/${seeds} [${expectedVerdict(m, h.id)}]`.padEnd(10);
  });
  console.log(`${m.padEnd(w)}  ${cells.join("")}`);
}
for (const [k, s] of seen) {
  const [m, h] = k.split("\u0000");
  const wrong = [...s.entries()].filter(([v]) => v !== expectedVerdict(m, h));
  if (wrong.length) console.log(`  misses ${m} ${h}: ${wrong.map(([v, c]) => `${v}×${c}`).join(", ")}`);
}
console.log(`worst cell: ${(worst * 100).toFixed(0)}%; simulate ${(simMs / 1000).toFixed(1)} s, analyse ${(anaMs / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
