import { resolve } from "node:path";
import { fromRoot } from "../../util/paths";
import { parseFlags } from "../args";
import { runCommand } from "./run";
import { reportCommand } from "./report";
import { judgeCommand } from "./judge";
import type { Command } from "../command";

const HELP = `afw demo — the offline main job (what npm start runs)

Runs two simulated organisms (sim-faker, sim-refuser) on the 50 shipped
requests in the free and paid tiers with the hidden scratchpad, judges every
sample with the four judges (the scripted offline judge), then prints the
report and writes the figures.

  --out DIR            results folder; default runs/demo
  --figures-dir D      default figures/ (files named demo-*)
  --quiet              no progress output`;

const FLAGS = {
  out: { type: "string" },
  "figures-dir": { type: "string" },
  quiet: { type: "boolean" },
} as const;

async function demoCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v } = parseFlags("demo", argv, FLAGS);
  const dir = resolve(v.out ?? fromRoot("runs", "demo"));
  const runArgs = ["--offline", "--out", dir, "--experiment", "demo", "--concurrency", "32"];
  if (v.quiet) runArgs.push("--quiet");
  const r = await runCommand(runArgs, {}, log);
  const s = r.summary;
  log(`afw demo: ${s.written} new sample(s), ${s.skipped} already done → ${dir}/samples.jsonl`);
  // All four judges (compliance, partial compliance, AF reasoning with 20 votes, motives),
  // offline through the scripted judge; resumable like the run.
  const judged = await judgeCommand([dir, "--offline", ...(v.quiet ? ["--quiet"] : [])], {}, log, log);
  if (judged.code !== 0) return judged.code;
  return reportCommand([dir, "--figures-dir", resolve(v["figures-dir"] ?? fromRoot("figures")), "--prefix", "demo-"], out, log);
}

export const command: Command = {
  summary: "the offline main job: run, report, figures (what npm start runs)",
  help: HELP,
  run: (argv, io) => demoCommand(argv, io.out, io.log),
};
