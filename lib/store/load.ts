import { existsSync, statSync } from "node:fs";
import type { RunManifest, Sample } from "../schema/index";
import { AfwError } from "../util/errors";
import { readJudgements } from "./judgements";
import { readManifest } from "./manifest";
import { readSamples } from "./samples";

/** A results folder in memory: its manifest (null when absent) and its samples with their judgements. */
export interface LoadedRun {
  dir: string;
  manifest: RunManifest | null;
  samples: Sample[];
}

/**
 * Load a results folder: manifest.json (optional), samples.jsonl, and any
 * judgements.jsonl, every line checked against the contracts. A bad line is
 * an error naming the file and line. Judgements are merged into their
 * samples under "judge@version", in file order.
 *
 * @example
 * const run = await loadRun("runs/demo");
 * run.samples.filter((s) => s.tier === "free").length;
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AfwError(`results folder ${dir}: no such folder`);
  const manifest = readManifest(dir);
  const samples = await readSamples(dir);
  const byKey = new Map(samples.map((s) => [s.key, s] as const));
  const { records } = await readJudgements(dir);
  for (const j of records) {
    const s = byKey.get(j.sample_key);
    if (s) s.judgements[`${j.judgement.judge}@${j.judgement.version}`] = j.judgement;
  }
  return { dir, manifest, samples };
}
