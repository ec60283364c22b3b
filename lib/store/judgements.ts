/**
 * judgements.jsonl: the one module that reads and writes it. One
 * JudgementRecord per line (a judge's verdict on one sample, keyed by the
 * sample key), appended; samples.jsonl is never edited. Re-judging adds
 * records beside the old ones (another version), never edits them.
 */
import { existsSync } from "node:fs";
import { JudgementRecord } from "../schema/index";
import { AfwError } from "../util/errors";
import { firstIssue, forEachJsonLine, JsonlWriter } from "../util/jsonl";
import { folderPaths } from "./layout";
import { repairTail } from "./repair";

/**
 * A folder's judgement records, in file order, each checked against the
 * contract (a bad line is an AfwError naming the file and line). With
 * `repair`, a torn last line left by a kill is cut first (writers do this
 * before appending); readers leave the file alone.
 */
export async function readJudgements(dir: string, opts: { repair?: boolean } = {}): Promise<{ records: JudgementRecord[]; repairedBytes: number }> {
  const path = folderPaths(dir).judgements;
  if (!existsSync(path)) return { records: [], repairedBytes: 0 };
  const repairedBytes = opts.repair ? repairTail(path) : 0;
  const records: JudgementRecord[] = [];
  await forEachJsonLine(path, (raw, n) => {
    const r = JudgementRecord.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: ${firstIssue(r.error)}`);
    records.push(r.data);
  });
  return { records, repairedBytes };
}

/** Append-only writer of judgement records (see JsonlWriter). */
export class JudgementWriter extends JsonlWriter<JudgementRecord> {}

/** Open a folder's judgements.jsonl for appending. */
export function openJudgementWriter(dir: string): JudgementWriter {
  return new JudgementWriter(folderPaths(dir).judgements);
}
