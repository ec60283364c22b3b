import { resolve, join } from "node:path";
import { declaredFigureKinds, figureRows, FIGURE_KINDS, statisticsRows, type FigureRows } from "../../analysis/index";
import { sampleRows } from "../../frame/index";
import { loadRun, type LoadedRun } from "../../store/index";
import { drawFigures, type Figure } from "../../figures/index";
import type { FigureKind } from "../../experiments/index";
import { wordingForestRows, wordingReport } from "../../paraphrase/index";
import { AfwError } from "../../util/errors";
import { parseFlags } from "../args";
import type { Command } from "../command";
import { reportContrasts, writeFigures } from "./report";

const HELP = `afw figures DIR — write every figure that applies to a results folder

  --out D          where figures go; default DIR/figures
  --stats          also write the statistics figures (coverage heatmaps, power curves)
  --only a,b,…     only these figure kinds (a b c d e f g w i)

HTML always; PNG and SVG too when Chromium is installed.

Which figures apply: those the folder's experiment declares (its manifest
records them; afw run --list shows the experiments), else every kind its data
allows. Each reads the conditions' factors, which the experiment declares and
the manifest records (see docs/architecture.md):
  a  outcomes by tier (refusal / partial / compliance, AF hatched): any run
  b  gap forest: at least two tiers (free − paid, else the first two tiers)
  c  three-tier decomposition: tiers free, pro and enterprise
  d  gap by deployment scope × risk: conditions with scope and risk factors
  e  throughput / deleted weights: conditions with a scenario factor
     (public deployment, throughput, deleted-weights; baseline)
  f  base vs chat: conditions with a model_kind factor (base, chat), or a
     base model next to its chat version (the models' family factor)
  g  post-training hypotheses: conditions with a hypothesis factor, next to a
     reference condition for the same model
  w  wording forest: a run crossed with a paraphrase set (conditions with a
     wording factor: afw run … --paraphrases SET, afw paraphrase run)
  i  coverage heatmaps and power curves (with --stats; need no run)
Folders written before conditions carried factors still draw a, b and c; a
kind that needs factors is skipped with a note.`;

const FLAGS = { out: { type: "string" }, stats: { type: "boolean" }, only: { type: "string" } } as const;

/**
 * The figure rows of a loaded run: the kinds asked for, else those its
 * experiment declares; with the contrasts `afw report` reads, so every gap
 * interval is the report's (one pooled ICC over the same cells).
 */
export function figureSet(run: LoadedRun, kinds?: FigureKind[]): FigureRows {
  return figureRows(sampleRows(run.samples, run.manifest), { kinds: kinds ?? declaredFigureKinds(run.manifest) ?? undefined, contrasts: reportContrasts(run.manifest) });
}

export async function figuresCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("figures", argv, FLAGS, 1);
  if (!positionals[0]) throw new AfwError("afw figures: give the results folder (afw figures DIR)");
  const dir = resolve(positionals[0]);
  const only = v.only?.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = only?.filter((k) => !"abcdefgwi".includes(k) || k.length !== 1);
  if (bad?.length) throw new AfwError(`afw figures: --only takes figure kinds a b c d e f g w i, got "${bad[0]}"`);
  const run = await loadRun(dir);
  const made = figureSet(run, only ? (only.filter((k) => k !== "i" && k !== "w") as FigureKind[]) : undefined);
  for (const note of made.notes) log(`afw figures: ${note}`);
  const rows = { ...made.rows };
  if (!only || only.includes("w")) {
    // The wording forest, as afw report draws it, when the run is crossed with wordings.
    const wording = wordingReport(run);
    if (wording) rows.w = { rows: wordingForestRows(wording.analysis), level: wording.analysis.level, tiers: wording.analysis.tiers };
    else if (only?.includes("w")) log("afw figures: figure w (wording forest) skipped: no condition of this folder has a wording factor (run it crossed with a paraphrase set)");
  }
  const figs: Record<string, Figure> = drawFigures(rows);
  if (v.stats && (!only || only.includes("i"))) Object.assign(figs, drawFigures({ i: statisticsRows() }));
  const names = Object.keys(figs);
  if (!names.length) {
    out(`afw figures: no figure applies to this folder (kinds ${FIGURE_KINDS.join(" ")}; see afw figures --help)`);
    return 0;
  }
  const fdir = resolve(v.out ?? join(dir, "figures"));
  const files = await writeFigures(figs, fdir, log);
  for (const f of files) out(f);
  log(`afw figures: wrote ${names.length} figure(s), ${files.length} file(s), to ${fdir}`);
  return 0;
}

export const command: Command = {
  summary: "write every figure that applies to a results folder (HTML, plus PNG/SVG with Chromium)",
  help: HELP,
  run: (argv, io) => figuresCommand(argv, io.out, io.log),
};
