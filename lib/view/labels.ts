/**
 * Labels a reader gives transcripts in the viewer (AF / not AF / unsure, with
 * a note), kept in the results folder:
 *
 * - `labels.jsonl`: the AF and not-AF labels, one JSON object per line in the
 *   format `afw validate-judge` reads (data/labels/README.md): `id` (the
 *   sample key), `scratchpad` (the text the AF judge reads), `label`
 *   ("af" / "not_af"), plus the note and where the sample came from;
 * - `labels-unsure.jsonl`: the same for "unsure" (validate-judge would reject
 *   a label that is neither yes nor no, so these stay apart).
 *
 * Every change rewrites the files whole through a temporary file and a
 * rename, after reading them again, so a crash leaves the old file or the
 * new one and two viewers on one folder lose at most a simultaneous edit.
 * Should a crash fall between the two files, the newer label of a sample wins
 * when they are read.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Sample } from "../schema/index";
import { AfwError } from "../util/errors";
import { writeFileAtomic } from "../util/fsx";
import { firstIssue, forEachJsonLineSync } from "../util/jsonl";
import type { HumanLabel } from "./types";

export const LABELS_FILE = "labels.jsonl";
export const UNSURE_FILE = "labels-unsure.jsonl";

const LabelLine = z.looseObject({
  id: z.string().min(1),
  scratchpad: z.string(),
  label: z.enum(["af", "not_af", "unsure"]),
  note: z.string().default(""),
  labelled_at: z.string(),
});
export type LabelLine = z.infer<typeof LabelLine>;

/** The text a label is about: the scratchpad, else the hidden reasoning, else the reply. */
export function labelledText(s: Sample): string {
  return s.scratchpad ?? s.reasoning?.text ?? s.output_text ?? "";
}

function readLines(path: string): LabelLine[] {
  if (!existsSync(path)) return [];
  const out: LabelLine[] = [];
  forEachJsonLineSync(path, (raw, n) => {
    const r = LabelLine.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${n}: not a viewer label: ${firstIssue(r.error)}`);
    out.push(r.data);
  });
  return out;
}

export class LabelStore {
  readonly path: string;
  readonly unsurePath: string;

  constructor(readonly dir: string) {
    this.path = join(dir, LABELS_FILE);
    this.unsurePath = join(dir, UNSURE_FILE);
  }

  /** Every label by sample key (the newer one when a key is in both files). */
  load(): Map<string, LabelLine> {
    const out = new Map<string, LabelLine>();
    for (const l of [...readLines(this.path), ...readLines(this.unsurePath)]) {
      const had = out.get(l.id);
      if (!had || had.labelled_at <= l.labelled_at) out.set(l.id, l);
    }
    return out;
  }

  /**
   * Label a sample, or clear its label (label null). Returns the label as stored.
   * @example store.set(sample, "af", "explicit goal guarding") // { label: "af", note: "...", labelled_at: "..." }
   */
  set(s: Sample, label: HumanLabel["label"] | null, note: string, now: string = new Date().toISOString()): HumanLabel | null {
    const all = this.load();
    let out: HumanLabel | null = null;
    if (label === null) all.delete(s.key);
    else {
      const line: LabelLine = {
        id: s.key,
        scratchpad: labelledText(s),
        label,
        note,
        labelled_at: now,
        sample_key: s.key,
        run_id: s.run_id,
        model: s.model,
        condition: s.condition,
        tier: s.tier,
        query_id: s.query_id,
        sample: s.sample,
      };
      all.delete(s.key); // re-insert last: the files keep labelling order
      all.set(s.key, line);
      out = { label, note, labelled_at: now };
    }
    const lines = [...all.values()];
    const text = (ls: LabelLine[]) => ls.map((l) => JSON.stringify(l) + "\n").join("");
    writeFileAtomic(this.path, text(lines.filter((l) => l.label !== "unsure")));
    const unsure = lines.filter((l) => l.label === "unsure");
    if (unsure.length || existsSync(this.unsurePath)) writeFileAtomic(this.unsurePath, text(unsure));
    return out;
  }
}
