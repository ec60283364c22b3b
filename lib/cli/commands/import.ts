import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { importInspectLogs } from "../../interop/inspect-import";
import { formatOsafComparison, importOsafFiles } from "../../interop/osaf";
import { writeResultsFolder } from "../../store/index";
import { afLabel, DEFAULT_AF_THRESHOLDS } from "../../classify/judges";
import { AFW_VERSION } from "../../util/version";
import { AfwError } from "../../util/errors";
import { parseFlags } from "../args";
import type { Command } from "../command";

const HELP = `afw import FORMAT FILE… --out DIR — read another tool's files into a new results folder

Formats:
  inspect    Inspect AI evaluation logs (.json or .eval, zstd-compressed members
             included); several logs go into one folder
  osaf       result files of the open-source alignment-faking pipeline
             (safety-research/open-source-alignment-faking): JSON lists of
             records; several files (one per model) go into one folder

  --out DIR           the new results folder (must not exist, or be empty)

osaf only:
  --model M           the model of a file; repeat once per file, in order
                      (default: the file name without _results.json)
  --experiment NAME   recorded in every sample; default osaf
  --condition NAME    recorded in every sample; default baseline
  --judge-model M     the judge model behind the files' judge blocks (they do
                      not say; e.g. gpt-4o), recorded in the judgement version

Logs written by \`afw export inspect\` come back record for record. Other
Inspect logs: tier and condition come from each sample's metadata when it has
them ("none" and "default" otherwise), the reply is split into scratchpad and
output, and every score becomes a judgement named after its scorer.

OSAF records: tier from the free_tier / paid_tier tag, the reply parsed by
the project's parser, and the judge blocks kept as judgement versions
(deceptive_alignment → af_reasoning with its vote share, per-criterion shares
and quotes; partial_compliance; helpfulness_categories;
deceptive_alignment_categories; strong_reject_score → compliance). Where the
project's parse disagrees with a file's output_contains_acceptance /
output_contains_refusal flags, the import says how often and where.

The folder is written whole or not at all. Then: afw report DIR, afw view DIR.`;

const FLAGS = {
  out: { type: "string" },
  model: { type: "string", multiple: true },
  experiment: { type: "string" },
  condition: { type: "string" },
  "judge-model": { type: "string" },
} as const;

const FORMATS = ["inspect", "osaf"];

async function importCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("import", argv, FLAGS, Number.MAX_SAFE_INTEGER);
  const [format, ...files] = positionals;
  if (!format) throw new AfwError(`afw import: name a format (${FORMATS.join(", ")}) and the files (see afw import --help)`);
  if (!FORMATS.includes(format)) throw new AfwError(`afw import: unknown format "${format}"; formats: ${FORMATS.join(", ")}`);
  if (!files.length) throw new AfwError(`afw import ${format}: name at least one file (afw import ${format} FILE… --out DIR)`);
  if (!v.out) throw new AfwError(`afw import ${format}: --out DIR is required`);
  const t0 = Date.now();
  if (format === "inspect") {
    for (const flag of ["model", "experiment", "condition", "judge-model"] as const) if (v[flag] !== undefined) throw new AfwError(`afw import inspect: --${flag} is for osaf files`);
    const run = importInspectLogs(files.map((f) => resolve(f)), AFW_VERSION);
    const dir = await writeResultsFolder(resolve(v.out), run);
    const w = { samples: run.samples.length, judgements: run.judgements.length, prompts: promptsIn(dir) };
    for (const l of run.perLog) out(`  ${l.path}: ${l.samples} samples, ${l.scores} scores`);
    out(`afw import inspect: ${v.out}: ${w.samples} samples, ${w.judgements} judgements, ${w.prompts} stored system prompt(s) (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  }
  const imp = importOsafFiles(
    files.map((f) => resolve(f)),
    { models: v.model, experiment: v.experiment, condition: v.condition, judgeModel: v["judge-model"] ?? null, afwVersion: AFW_VERSION, af: { label: (x) => afLabel(x), thresholds: { ...DEFAULT_AF_THRESHOLDS } } },
  );
  const dir = await writeResultsFolder(resolve(v.out), imp);
  for (const f of imp.perFile) out(`  ${f.path}: model ${f.model}, ${f.records} samples, ${f.judgements} judgements`);
  for (const line of formatOsafComparison(imp.comparison)) out(line);
  out(`afw import osaf: ${v.out}: ${imp.samples.length} samples, ${imp.judgements.length} judgements, ${promptsIn(dir)} stored system prompt(s) (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}

function promptsIn(dir: string): number {
  return existsSync(join(dir, "prompts")) ? readdirSync(join(dir, "prompts")).length : 0;
}

export const command: Command = {
  summary: "read another tool's files into a results folder (inspect: Inspect AI eval logs; osaf: open-source alignment-faking results)",
  help: HELP,
  run: (argv, io) => importCommand(argv, io.out),
};
