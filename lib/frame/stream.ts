/**
 * A results folder read as a tally (tally.ts), streaming: samples.jsonl
 * then judgements.jsonl, line by line, keeping counts per cell and query
 * and a few bytes per sample. What `afw report` reads; `load(dir)` (a
 * DataFrame of every sample, texts included) stays for notebooks, and
 * `loadRun(dir)` for code that needs the records.
 */
import { existsSync, statSync } from "node:fs";
import { forEachJudgementRecord, forEachSampleFacts, readManifest } from "../store/index";
import { AfwError } from "../util/errors";
import { ResultsTally } from "./tally";

/**
 * Stream a results folder into a tally: the manifest, every sample record
 * (the one that counts per sample kept), then every judgement (the last
 * record of each judge version per sample kept). A line that is not JSON,
 * or whose read fields break the contract, is an AfwError naming file and
 * line.
 *
 * @example
 * const t = await tallyFolder("runs/big");
 * rateTable(t); gapTable(t); judgeTables(t);
 */
export async function tallyFolder(dir: string): Promise<ResultsTally> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AfwError(`results folder ${dir}: no such folder`);
  const t = new ResultsTally();
  t.dir = dir;
  t.manifest = readManifest(dir);
  await forEachSampleFacts(dir, (s) => void t.addSample(s));
  await forEachJudgementRecord(dir, (key, j) => void t.addJudgement(key, j));
  return t;
}
