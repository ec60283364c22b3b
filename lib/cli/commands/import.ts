import { resolve } from "node:path";
import { importInspectLogs } from "../../interop/inspect-import";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writeResultsFolder } from "../../store/index";
import { AFW_VERSION } from "../../util/version";
import { AfwError } from "../../util/errors";
import { parseFlags } from "../args";
import type { Command } from "../command";

const HELP = `afw import FORMAT FILE… --out DIR — read another tool's files into a new results folder

Formats:
  inspect    Inspect AI evaluation logs (.json or .eval, zstd-compressed members
             included); several logs go into one folder

  --out DIR      the new results folder (must not exist, or be empty)

Logs written by \`afw export inspect\` come back record for record. Other
Inspect logs: tier and condition come from each sample's metadata when it has
them ("none" and "default" otherwise), the reply is split into scratchpad and
output, and every score becomes a judgement named after its scorer. The folder
is written whole or not at all. Then: afw report DIR, afw view DIR.`;

const FLAGS = {
  out: { type: "string" },
} as const;

const FORMATS = ["inspect"];

async function importCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("import", argv, FLAGS, Number.MAX_SAFE_INTEGER);
  const [format, ...files] = positionals;
  if (!format) throw new AfwError(`afw import: name a format (${FORMATS.join(", ")}) and the files (see afw import --help)`);
  if (!FORMATS.includes(format)) throw new AfwError(`afw import: unknown format "${format}"; formats: ${FORMATS.join(", ")}`);
  if (!files.length) throw new AfwError("afw import inspect: name at least one log file (afw import inspect FILE… --out DIR)");
  if (!v.out) throw new AfwError("afw import inspect: --out DIR is required");
  const t0 = Date.now();
  const run = importInspectLogs(files.map((f) => resolve(f)), AFW_VERSION);
  const dir = await writeResultsFolder(resolve(v.out), run);
  const prompts = existsSync(join(dir, "prompts")) ? readdirSync(join(dir, "prompts")).length : 0;
  const w = { samples: run.samples.length, judgements: run.judgements.length, prompts };
  for (const l of run.perLog) out(`  ${l.path}: ${l.samples} samples, ${l.scores} scores`);
  out(`afw import inspect: ${v.out}: ${w.samples} samples, ${w.judgements} judgements, ${w.prompts} stored system prompt(s) (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}

export const command: Command = {
  summary: "read another tool's files into a results folder (inspect: Inspect AI eval logs)",
  help: HELP,
  run: (argv, io) => importCommand(argv, io.out),
};
