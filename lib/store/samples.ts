/**
 * samples.jsonl: the one module that reads and writes it. One JSON line per
 * sample, appended as samples finish; a later record of the same key (a
 * retried failure) supersedes an earlier one, and compaction (compact.ts)
 * keeps one record per key. Readers take the folder, not the file.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { Sample as SampleSchema, type Sample, type SampleCell } from "../schema/index";
import { AfwError } from "../util/errors";
import { firstIssue, forEachJsonLine, JsonlWriter } from "../util/jsonl";
import { folderPaths } from "./layout";
import { inflateRequest } from "./prompts";
import { repairTail } from "./repair";

/** Just what resuming needs from each line; the full record is checked on load. */
const ResumeLine = z.object({ key: z.string().min(1), error: z.string().nullable(), error_kind: z.string().nullable().optional() });

export interface ScanResult {
  /** Keys with a finished record (no error). */
  done: Set<string>;
  /** Keys whose only record failed for good; they are retried. */
  failed: Set<string>;
  /**
   * Among `failed`: keys whose last record failed with a permanent error
   * (context too long, an invalid request): a resume does not retry them
   * unless asked (afw run --retry-permanent).
   */
  permanent: Set<string>;
  /** Records superseded by a later one for the same key (compaction removes them). */
  superseded: number;
  lines: number;
  /** Bytes cut from a torn last line left by a kill mid-write. */
  repairedBytes: number;
}

/**
 * Read a folder's samples for resuming: which keys are done, which failed.
 * A torn last line left by a kill is cut first. A folder without
 * samples.jsonl has none.
 */
export async function scanSamples(dir: string): Promise<ScanResult> {
  const path = folderPaths(dir).samples;
  const out: ScanResult = { done: new Set(), failed: new Set(), permanent: new Set(), superseded: 0, lines: 0, repairedBytes: 0 };
  if (!existsSync(path)) return out;
  out.repairedBytes = repairTail(path);
  await forEachJsonLine(path, (raw, lineNo) => {
    const r = ResumeLine.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${lineNo}: not a sample record (${firstIssue(r.error)})`);
    out.lines++;
    const { key, error, error_kind } = r.data;
    if (out.done.has(key) || out.failed.has(key)) out.superseded++;
    if (error === null) {
      out.failed.delete(key);
      out.permanent.delete(key);
      out.done.add(key);
    } else if (!out.done.has(key)) {
      out.failed.add(key);
      if (error_kind === "permanent") out.permanent.add(key);
      else out.permanent.delete(key);
    }
  });
  return out;
}

/** The sample writer: one JSON line per sample (see JsonlWriter). */
export class SampleWriter extends JsonlWriter<Sample> {}

/** Open a folder's samples.jsonl for appending. */
export function openSampleWriter(dir: string): SampleWriter {
  return new SampleWriter(folderPaths(dir).samples);
}

function samplesFile(dir: string): string {
  const path = folderPaths(dir).samples;
  if (!existsSync(path)) throw new AfwError(`results folder ${dir}: no samples.jsonl in it`);
  return path;
}

/** Which record of a key counts: its last successful one, else its last failed one. */
function wins(prevError: string | null | undefined, nextError: string | null): boolean {
  return prevError === undefined || nextError === null || prevError !== null;
}

/**
 * Read a folder's samples, every line checked against the Sample contract,
 * one record per key (its last success, else its last failure), with stored
 * system prompts put back from the folder's prompts/ (shared strings, so no
 * memory per sample). A bad line is an AfwError naming the file and line.
 */
export async function readSamples(dir: string): Promise<Sample[]> {
  const path = samplesFile(dir);
  const byKey = new Map<string, Sample>();
  const promptsDir = folderPaths(dir).prompts;
  const texts = new Map<string, string>();
  await forEachJsonLine(path, (raw, n) => {
    const r = SampleSchema.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: ${firstIssue(r.error)}`);
    const prev = byKey.get(r.data.key);
    if (wins(prev?.error, r.data.error)) {
      r.data.request = inflateRequest(r.data.request, promptsDir, texts);
      byKey.set(r.data.key, r.data);
    }
  });
  return [...byKey.values()];
}

/**
 * Stream a folder's samples to `each`, one record per key (as readSamples
 * picks them), without holding them all: a first pass finds the record that
 * counts for each key, a second checks those against the contract and hands
 * them over in file order, prompts put back.
 *
 * @example
 * let n = 0;
 * await forEachSample("runs/demo", (s) => void (s.accepted && n++));
 */
export async function forEachSample(dir: string, each: (s: Sample) => void | Promise<void>): Promise<void> {
  const path = samplesFile(dir);
  const last = new Map<string, { line: number; error: string | null }>();
  await forEachJsonLine(path, (raw, n) => {
    const r = ResumeLine.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: not a sample record (${firstIssue(r.error)})`);
    const prev = last.get(r.data.key);
    if (wins(prev?.error, r.data.error)) last.set(r.data.key, { line: n, error: r.data.error });
  });
  const keep = new Set<number>();
  for (const v of last.values()) keep.add(v.line);
  last.clear();
  const promptsDir = folderPaths(dir).prompts;
  const texts = new Map<string, string>();
  await forEachJsonLine(path, async (raw, n) => {
    if (!keep.has(n)) return;
    const r = SampleSchema.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: ${firstIssue(r.error)}`);
    r.data.request = inflateRequest(r.data.request, promptsDir, texts);
    await each(r.data);
  });
}

/** The fields of a sample record most analyses need, without the request and texts. */
export interface SlimRecord extends SampleCell {
  key: string;
}

/**
 * Stream a folder's samples keeping only the slim fields, one record per key
 * (its last success, else its last failure). Holds no prompts in memory, so
 * a 50,000-sample run loads in seconds.
 */
export async function readSlimSamples(dir: string): Promise<SlimRecord[]> {
  const path = folderPaths(dir).samples;
  if (!existsSync(path)) throw new AfwError(`${path}: no such file`);
  const byKey = new Map<string, SlimRecord>();
  await forEachJsonLine(path, (raw, n) => {
    const o = raw as SlimRecord;
    if (!o || typeof o.key !== "string" || typeof o.model !== "string") throw new AfwError(`${path}:${n}: not a sample record`);
    const r: SlimRecord = { key: o.key, model: o.model, condition: o.condition, tier: o.tier, query_id: o.query_id, sample: o.sample, accepted: o.accepted, accept_then_refuse: o.accept_then_refuse, error: o.error };
    const prev = byKey.get(r.key);
    if (wins(prev?.error, r.error)) byKey.set(r.key, r);
  });
  return [...byKey.values()];
}
