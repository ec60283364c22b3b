import { join, resolve } from "node:path";
import { fromRoot } from "../../util/paths";
import { AfwError } from "../../util/errors";
import { loadRun } from "../../frame/index";
import type { Figure } from "../../figures/index";
import { parseFlags } from "../args";
import type { Command, Io } from "../command";
import { runCommand } from "./run";
import { reportCommand, writeFigures } from "./report";
import { judgeCommand } from "./judge";
import { figuresForSamples, statsFigures } from "./figures";
import { command as validateJudge } from "./validate-judge";

const HELP = `afw demo — the offline main job (what npm start runs)

1. The spine: two simulated organisms (sim-faker, sim-refuser) on the 50
   shipped requests in the free and paid tiers with the hidden scratchpad;
   every sample judged by the four judges (the scripted offline judge); the
   report printed (compliance by tags and judge, the gap, partial compliance,
   the AF rate, motive shares, all with 95% CIs).
2. One small offline run per figure kind (n = 50 per condition, the organisms
   with motives): three tiers (c), the deployment grid (d), throughput and
   deleted weights (e), and the post-training experiment: base vs chat (f),
   prefills and clarifications (g);
   judge validation on organism-generated labels (h); and the coverage and
   power figures from the stats module (i).
Every figure goes to figures/demo-* as HTML, plus PNG and SVG with Chromium.

  --out DIR            results folder; default runs/demo (experiments in DIR/EXPERIMENT)
  --figures-dir D      default figures/
  --spine-only         only step 1
  --quiet              no progress output`;

const FLAGS = {
  out: { type: "string" },
  "figures-dir": { type: "string" },
  "spine-only": { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

/** The small experiment runs behind figure kinds c–g, and the judges each needs. */
const FIGURE_RUNS: { experiment: string; kinds: string[]; judge: boolean }[] = [
  { experiment: "three-tiers", kinds: ["c"], judge: false },
  { experiment: "deployment-grid", kinds: ["d"], judge: false },
  { experiment: "throughput", kinds: ["e"], judge: true },
  { experiment: "post-training", kinds: ["f", "g"], judge: true },
];

async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { out, log } = io;
  const { values: v } = parseFlags("demo", argv, FLAGS);
  const dir = resolve(v.out ?? fromRoot("runs", "demo"));
  const figDir = resolve(v["figures-dir"] ?? fromRoot("figures"));
  const quiet = v.quiet ? ["--quiet"] : [];
  const t0 = Date.now();

  // 1. the spine
  const r = await runCommand(["--offline", "--out", dir, "--experiment", "demo", "--concurrency", "32", ...quiet], {}, log);
  log(`afw demo: ${r.summary.written} new sample(s), ${r.summary.skipped} already done → ${dir}/samples.jsonl`);
  // All four judges (compliance, partial compliance, AF reasoning with 20 votes, motives),
  // offline through the scripted judge; resumable like the run.
  const judged = await judgeCommand([dir, "--offline", ...quiet], {}, log, log);
  if (judged.code !== 0) return judged.code;
  const code = await reportCommand([dir, "--figures-dir", figDir, "--prefix", "demo-"], out, log);
  if (code !== 0 || v["spine-only"]) return code;

  // 2. one offline run per figure kind
  const figs: Record<string, Figure> = {};
  {
    const run = await loadRun(dir);
    for (const [name, fig] of Object.entries(figuresForSamples(run.samples, { only: ["a", "b"] }))) figs[`demo-${name}`] = fig;
  }
  for (const step of FIGURE_RUNS) {
    const expDir = join(dir, step.experiment);
    await runCommand([step.experiment, "--offline", "--n", "50", "--out", expDir, "--concurrency", "32", "--quiet"], {}, log);
    if (step.judge) {
      const j = await judgeCommand([expDir, "--offline", "--only", "af", "--quiet"], {}, log, log);
      if (j.code !== 0) return j.code;
    }
    const run = await loadRun(expDir);
    const made = figuresForSamples(run.samples, { only: step.kinds });
    if (!Object.keys(made).length) throw new AfwError(`afw demo: the ${step.experiment} run gave no figure of kind ${step.kinds.join(", ")}`);
    for (const [name, fig] of Object.entries(made)) figs[`demo-${step.experiment}-${name}`] = fig;
    log(`afw demo: ${step.experiment} → figure ${step.kinds.join(", ")}`);
  }
  for (const [name, fig] of Object.entries(statsFigures())) figs[`demo-${name}`] = fig;
  const files = await writeFigures(figs, figDir, log);

  // h: judge validation on a labelled set generated from organisms with known truth
  const labels = join(dir, "labels.jsonl");
  const silent: Io = { out: () => {}, log, env: {} };
  let c = await validateJudge.run(["--generate", "200", "--out", labels], silent);
  if (c === 0) c = await validateJudge.run([labels, "--offline", "--out", figDir, "--prefix", "demo-h_"], { ...io, env: {} });
  if (c !== 0) return c;
  log(`afw demo: wrote ${files.length} more figure file(s) (kinds a–g, i) and the judge-validation figures (h) to ${figDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

export const command: Command = {
  summary: "the offline main job: runs, judges, report and every figure kind (what npm start runs)",
  help: HELP,
  run: (argv, io) => demoCommand(argv, io),
};
