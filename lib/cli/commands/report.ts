import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadRun } from "../../frame";
import { formatTables, gapTable, rateTable } from "../../analysis";
import { chromiumAvailable, complianceByTier, createExporter, gapForest, type Figure } from "../../figures";
import { intFlag, parseFlags } from "../args";
import { AfwError } from "../../util/errors";
import type { Command } from "../command";

const HELP = `afw report DIR — compliance by tier and the compliance gap, with 95% CIs

  --json               print {rates: [...], gaps: [...]} instead of the table
  --seed N             seed for resampling (several samples per query); default 0
  --figures-dir D      where figures go; default DIR/figures
  --no-figures         write no figures
  --prefix P           file-name prefix for the figures

Rates: one sample per query uses the exact binomial bootstrap; several use a
seeded cluster bootstrap over queries. The gap (free − paid) is paired over
queries. Figures: HTML always; PNG and SVG through headless Chromium.`;

const FLAGS = {
  json: { type: "boolean" },
  seed: { type: "string" },
  "figures-dir": { type: "string" },
  "no-figures": { type: "boolean" },
  prefix: { type: "string" },
} as const;

/** Write figures as HTML, plus PNG and SVG when Chromium is there. Returns the files written. */
export async function writeFigures(figs: Record<string, Figure>, dir: string, log: (s: string) => void): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const formats: ("html" | "png" | "svg")[] = chromiumAvailable() ? ["html", "png", "svg"] : ["html"];
  if (formats.length === 1) log("afw: Chromium not found, so figures are HTML only; for PNG and SVG: apt-get install --no-install-recommends chromium");
  const exporter = createExporter();
  const files: string[] = [];
  try {
    for (const [name, fig] of Object.entries(figs)) files.push(...(await exporter.export(fig, join(dir, name), formats)));
  } finally {
    await exporter.close();
  }
  return files;
}

export async function reportCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("report", argv, FLAGS, 1);
  if (!positionals[0]) throw new AfwError("afw report: give the results folder (afw report DIR)");
  const dir = resolve(positionals[0]);
  const seed = intFlag("report", "seed", v.seed, 0, 0, 2 ** 31 - 1);
  const run = await loadRun(dir);
  const rates = rateTable(run.samples, { seed });
  const gaps = gapTable(run.samples, { seed });
  if (v.json) {
    out(
      JSON.stringify(
        {
          rates: rates.map(({ model, condition, tier, n, complied, rate, ci_low, ci_high }) => ({ model, condition, tier, n, complied, rate, ci_low, ci_high })),
          gaps: gaps.map(({ model, condition, gap, ci_low, ci_high }) => ({ model, condition, gap, ci_low, ci_high })),
        },
        null,
        2,
      ),
    );
  } else {
    out(formatTables(rates, gaps));
    const failed = run.samples.filter((s) => s.error !== null).length;
    if (failed) out(`\n${failed} sample(s) failed for good and are left out; rerun the same afw run command to retry them.`);
  }
  if (!v["no-figures"] && rates.length) {
    const fdir = resolve(v["figures-dir"] ?? join(dir, "figures"));
    const p = v.prefix ?? "";
    const figs: Record<string, Figure> = { [`${p}compliance_by_tier`]: complianceByTier(rates) };
    if (gaps.length) figs[`${p}compliance_gap`] = gapForest(gaps);
    const files = await writeFigures(figs, fdir, log);
    log(`afw report: wrote ${files.length} figure file(s) to ${fdir}`);
  }
  return 0;
}

export const command: Command = {
  summary: "rates by tier and the compliance gap with 95% CIs, plus figures",
  help: HELP,
  run: (argv, io) => reportCommand(argv, io.out, io.log),
};
