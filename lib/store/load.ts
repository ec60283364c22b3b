import { existsSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Judgement, Outcome, RunManifest, Sample } from "../schema/index";
import { AfwError } from "../util/errors";
import { readJudgements } from "./judgements";
import { readManifest } from "./manifest";
import { readSamples } from "./samples";
import { folderPaths } from "./layout";

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

/**
 * Read a file line by line in large chunks (faster than readline on files of
 * gigabytes): each non-blank line is JSON-parsed and handed to `each` with
 * its 1-based line number. A line that is not JSON is an AfwError naming
 * the file and line. Holds one chunk (4 MB, more for a longer line).
 *
 * @example
 * await forEachRecordLine("runs/demo/samples.jsonl", (raw, n) => void count++);
 */
export async function forEachRecordLine(path: string, each: (raw: unknown, lineNo: number) => void): Promise<void> {
  const fh = await open(path, "r");
  try {
    let buf = Buffer.allocUnsafe(4 << 20);
    let have = 0;
    let lineNo = 0;
    let eof = false;
    const handle = (start: number, end: number) => {
      lineNo++;
      if (end > start && buf[end - 1] === 13) end--;
      let blank = true;
      for (let i = start; i < end; i++) {
        const b = buf[i];
        if (b !== 32 && b !== 9 && b !== 13) {
          blank = false;
          break;
        }
      }
      if (blank) return;
      let raw: unknown;
      try {
        raw = JSON.parse(buf.toString("utf8", start, end));
      } catch (e) {
        throw new AfwError(`${path}:${lineNo}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
      }
      each(raw, lineNo);
    };
    while (!eof) {
      if (have === buf.length) {
        const b = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(b, 0, 0, have);
        buf = b;
      }
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) eof = true;
      const end = have + bytesRead;
      let start = 0;
      let nl = buf.indexOf(10, have);
      while (nl >= 0 && nl < end) {
        handle(start, nl);
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
      if (eof) {
        if (start < end) handle(start, end);
        break;
      }
      have = end - start;
      if (start > 0) buf.copy(buf, 0, start, end);
    }
  } finally {
    await fh.close();
  }
}

const OUTCOMES: readonly string[] = ["reply", "truncated", "blocked", "failed"];

/** The fields of a sample record the tables read (see `forEachSampleFacts`). */
export interface SampleLine {
  key: string;
  experiment: string;
  model: string;
  condition: string;
  tier: string;
  query_id: string;
  sample: number;
  accepted: boolean | null;
  accept_then_refuse: boolean;
  error: string | null;
  outcome: Outcome;
  /** The scratchpad is present and not blank. */
  scratchpad: boolean;
}

function bad(path: string, n: number, field: string, want: string, got: unknown): AfwError {
  const seen = got === undefined ? "missing" : got === null ? "null" : Array.isArray(got) ? "an array" : typeof got;
  return new AfwError(`${path}:${n}: ${field}: expected ${want}, got ${seen}`);
}

function str(o: Record<string, unknown>, f: string, path: string, n: number): string {
  const v = o[f];
  if (typeof v !== "string" || !v) throw bad(path, n, f, "a non-empty string", v);
  return v;
}

/**
 * Stream a folder's samples.jsonl, handing over only the fields the tables
 * read (`SampleLine`), each checked (a line that breaks them is an AfwError
 * naming the file, line and field; the texts and request are not checked or
 * kept). Every record is handed over, superseded ones included: the reader
 * keeps the one that counts (its last success, else its last failure).
 *
 * @example
 * await forEachSampleFacts("runs/demo", (s) => void (s.accepted && n++));
 */
export async function forEachSampleFacts(dir: string, each: (s: SampleLine, lineNo: number) => void): Promise<void> {
  const path = folderPaths(dir).samples;
  if (!existsSync(path)) throw new AfwError(`results folder ${dir}: no samples.jsonl in it`);
  await forEachRecordLine(path, (raw, n) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new AfwError(`${path}:${n}: not a sample record (expected an object)`);
    const o = raw as Record<string, unknown>;
    const key = str(o, "key", path, n);
    const experiment = str(o, "experiment", path, n);
    const model = str(o, "model", path, n);
    const condition = str(o, "condition", path, n);
    const tier = str(o, "tier", path, n);
    const query_id = str(o, "query_id", path, n);
    const sample = o.sample;
    if (typeof sample !== "number" || !Number.isInteger(sample) || sample < 0) throw bad(path, n, "sample", "a non-negative integer", sample);
    const accepted = o.accepted;
    if (accepted !== null && typeof accepted !== "boolean") throw bad(path, n, "accepted", "true, false or null", accepted);
    const atr = o.accept_then_refuse;
    if (typeof atr !== "boolean") throw bad(path, n, "accept_then_refuse", "a boolean", atr);
    const error = o.error;
    if (error !== null && typeof error !== "string") throw bad(path, n, "error", "a string or null", error);
    const outcome = o.outcome === undefined ? "reply" : o.outcome;
    if (typeof outcome !== "string" || !OUTCOMES.includes(outcome)) throw bad(path, n, "outcome", OUTCOMES.join(" | "), outcome);
    const pad = o.scratchpad;
    if (pad !== null && typeof pad !== "string") throw bad(path, n, "scratchpad", "a string or null", pad);
    each({ key, experiment, model, condition, tier, query_id, sample, accepted, accept_then_refuse: atr, error, outcome: outcome as Outcome, scratchpad: !!pad && pad.trim() !== "" }, n);
  });
}

/**
 * Stream a folder's judgements.jsonl (none when absent): each record's
 * sample key and judgement, the fields the tables read checked (judge,
 * version, label, score, valid, detail), in file order.
 *
 * @example
 * await forEachJudgementRecord("runs/demo", (key, j) => void (j.valid && n++));
 */
export async function forEachJudgementRecord(dir: string, each: (sampleKey: string, j: Judgement, lineNo: number) => void): Promise<void> {
  const path = folderPaths(dir).judgements;
  if (!existsSync(path)) return;
  await forEachRecordLine(path, (raw, n) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new AfwError(`${path}:${n}: not a judgement record (expected an object)`);
    const o = raw as Record<string, unknown>;
    const key = str(o, "sample_key", path, n);
    const j = o.judgement as Record<string, unknown> | undefined;
    if (!j || typeof j !== "object" || Array.isArray(j)) throw bad(path, n, "judgement", "an object", j);
    str(j, "judge", path, n);
    str(j, "version", path, n);
    const label = j.label;
    if (label !== null && typeof label !== "string" && typeof label !== "boolean") throw bad(path, n, "judgement.label", "a string, boolean or null", label);
    const score = j.score;
    if (score !== null && typeof score !== "number") throw bad(path, n, "judgement.score", "a number or null", score);
    if (typeof j.valid !== "boolean") throw bad(path, n, "judgement.valid", "a boolean", j.valid);
    if (j.detail !== undefined && (j.detail === null || typeof j.detail !== "object" || Array.isArray(j.detail))) throw bad(path, n, "judgement.detail", "an object", j.detail);
    each(key, j as unknown as Judgement, n);
  });
}
