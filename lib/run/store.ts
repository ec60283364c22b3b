import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync } from "node:fs";
import { z } from "zod";
import { Sample as SampleSchema, type Sample } from "../schema/index";
import { dirname, join } from "node:path";
import { AfwError } from "../util/errors";
import { inflateRequest } from "./prompts";
import { firstIssue, forEachJsonLine, JsonlWriter } from "../util/jsonl";

/** Just what resuming needs from each line; the full record is checked on load. */
const ResumeLine = z.object({ key: z.string().min(1), error: z.string().nullable() });

export interface ScanResult {
  /** Keys with a finished record (no error). */
  done: Set<string>;
  /** Keys whose only record failed for good; they are retried. */
  failed: Set<string>;
  /** Records superseded by a later one for the same key (compaction removes them). */
  superseded: number;
  lines: number;
  /** Bytes cut from a torn last line left by a kill mid-write. */
  repairedBytes: number;
}

/**
 * Cut a torn last line (no trailing newline) left by a process killed in the
 * middle of a write. Every complete line before it is kept.
 */
export function repairTail(path: string): number {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    let keep = 0;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(10);
      if (nl >= 0) {
        keep = start + nl + 1;
        break;
      }
      end = start;
    }
    if (keep === size) return 0;
    ftruncateSync(fd, keep);
    return size - keep;
  } finally {
    closeSync(fd);
  }
}

/** Read an existing samples file for resuming: which keys are done, which failed. */
export async function scanSamples(path: string): Promise<ScanResult> {
  const out: ScanResult = { done: new Set(), failed: new Set(), superseded: 0, lines: 0, repairedBytes: 0 };
  if (!existsSync(path)) return out;
  out.repairedBytes = repairTail(path);
  await forEachJsonLine(path, (raw, lineNo) => {
    const r = ResumeLine.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${lineNo}: not a sample record (${firstIssue(r.error)})`);
    out.lines++;
    const { key, error } = r.data;
    if (out.done.has(key) || out.failed.has(key)) out.superseded++;
    if (error === null) {
      out.failed.delete(key);
      out.done.add(key);
    } else if (!out.done.has(key)) {
      out.failed.add(key);
    }
  });
  return out;
}

/** The sample writer: one JSON line per sample (see JsonlWriter). */
export class SampleWriter extends JsonlWriter<Sample> {}

/**
 * Read a samples file, every line checked against the Sample contract, one
 * record per key (a later success replaces an earlier failure), with stored
 * system prompts put back from the folder's prompts/ (shared strings, so no
 * memory per sample). A bad line is an AfwError naming the file and line.
 */
export async function readSamples(path: string): Promise<Sample[]> {
  const byKey = new Map<string, Sample>();
  const promptsDir = join(dirname(path), "prompts");
  const texts = new Map<string, string>();
  await forEachJsonLine(path, (raw, n) => {
    const r = SampleSchema.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: ${firstIssue(r.error)}`);
    const prev = byKey.get(r.data.key);
    if (!prev || prev.error !== null) {
      r.data.request = inflateRequest(r.data.request, promptsDir, texts);
      byKey.set(r.data.key, r.data);
    }
  });
  return [...byKey.values()];
}
