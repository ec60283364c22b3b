import { resolve } from "node:path";
import { inspectLog, writeInspectLog } from "../../interop/inspect-export";
import { readResultsFolder } from "../../view/source";
import { AfwError } from "../../util/errors";
import { parseFlags } from "../args";
import type { Command } from "../command";

const HELP = `afw export FORMAT DIR --out FILE — write a results folder in another tool's format

Formats:
  inspect    an Inspect AI evaluation log (EvalLog version 2): FILE ending in
             .json (one JSON object) or .eval (the ZIP form \`inspect view\` opens)

  --out FILE     where to write (required; the extension picks the form)
  --task NAME    the log's task name; default afw/<experiment>

One Inspect sample per (model, condition, tier, query, sample index), with
its messages, its output, each judge as a score (with its quotes in the
explanation), and tier, condition, factors and the rest of the record in
its metadata. \`afw import inspect FILE --out DIR\` reads it back.`;

const FLAGS = {
  out: { type: "string" },
  task: { type: "string" },
} as const;

const FORMATS = ["inspect"];

async function exportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("export", argv, FLAGS, 2);
  const [format, dir] = positionals;
  if (!format) throw new AfwError(`afw export: name a format (${FORMATS.join(", ")}) and a results folder (see afw export --help)`);
  if (!FORMATS.includes(format)) throw new AfwError(`afw export: unknown format "${format}"; formats: ${FORMATS.join(", ")}`);
  if (!dir) throw new AfwError("afw export inspect: name the results folder (afw export inspect DIR --out FILE)");
  if (!v.out) throw new AfwError("afw export inspect: --out FILE is required (.json or .eval)");
  if (!/\.(json|eval)$/i.test(v.out)) throw new AfwError(`afw export inspect: --out must end in .json or .eval, got ${v.out}`);
  if (v.task !== undefined && !v.task.trim()) throw new AfwError("afw export inspect: --task needs a name");
  const t0 = Date.now();
  const folder = await readResultsFolder(resolve(dir));
  if (!folder.samples.length) throw new AfwError(`afw export inspect: ${dir} holds no samples`);
  const log = inspectLog(folder, { task: v.task });
  const w = writeInspectLog(log, resolve(v.out));
  const scores = (log.samples ?? []).reduce((a, x) => a + Object.keys(x.scores ?? {}).length, 0);
  out(`afw export inspect: ${v.out} (${w.format}, ${(w.bytes / 1024).toFixed(0)} KiB): ${log.samples?.length ?? 0} samples, ${scores} scores, ${log.results?.scores.length ?? 0} scorers, status ${log.status} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}

export const command: Command = {
  summary: "write a results folder in another tool's format (inspect: an Inspect AI eval log)",
  help: HELP,
  run: (argv, io) => exportCommand(argv, io.out),
};
