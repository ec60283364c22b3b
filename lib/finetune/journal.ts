/**
 * The generation journal of a build: DIR/generations.jsonl, one line per
 * finished model call, appended as calls finish (util/jsonl's JsonlWriter:
 * one write() per event-loop turn on an O_APPEND descriptor). A kill leaves at
 * most a torn last line, which the next scan cuts off; a call whose line never
 * reached the disk is simply made again (and usually served from the response
 * cache). A later success for the same key replaces an earlier failure.
 */
import { repairTail } from "../util/repairTail";
import { existsSync } from "node:fs";
import { z } from "zod";
import { AfwError } from "../util/errors";
import { firstIssue, forEachJsonLine, JsonlWriter } from "../util/jsonl";

export const GenerationRecord = z.strictObject({
  /** sha256 of (component, step, item, sample, model, request): what identifies the call. */
  key: z.string(),
  component: z.string(),
  step: z.string(),
  item: z.string(),
  sample: z.number().int(),
  model: z.string(),
  text: z.string().nullable(),
  error: z.string().nullable(),
  usage: z.strictObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable(),
  cached: z.boolean(),
});
export type GenerationRecord = z.infer<typeof GenerationRecord>;

/** Cut a torn last line (bytes after the last newline). Returns the bytes removed. */
export const cutTornTail = repairTail;

/** The finished calls of a journal by key (successes win over failures), after repairing its tail. */
export async function scanJournal(path: string): Promise<{ done: Map<string, GenerationRecord>; lines: number; repairedBytes: number }> {
  const done = new Map<string, GenerationRecord>();
  if (!existsSync(path)) return { done, lines: 0, repairedBytes: 0 };
  const repairedBytes = cutTornTail(path);
  let lines = 0;
  await forEachJsonLine(path, (raw, lineNo) => {
    const r = GenerationRecord.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${lineNo}: not a generation record (${firstIssue(r.error)})`);
    lines++;
    const prev = done.get(r.data.key);
    if (r.data.error === null || !prev || prev.error !== null) done.set(r.data.key, r.data);
  });
  return { done, lines, repairedBytes };
}

/** The journal writer. */
export class JournalWriter extends JsonlWriter<GenerationRecord> {}
