/**
 * Real replies: the result files of the open-source alignment-faking pipeline
 * in ../shared/external/osaf-results (Claude Haiku / Sonnet / Opus 4.5, 5
 * requests × 2 tiers each). Each record carries the model's full output, the
 * pipeline's own cut of it (`output_without_scratchpad`) and its tag flags
 * (`output_contains_acceptance`, `output_contains_refusal`). The project's
 * parse is compared with all three; the disagreements are counted by kind
 * and printed. Skips, saying so, when ../shared is absent.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReply } from "../lib/scenario/reply";
import { looksLikeRefusal, looksLikeRefusalV0 } from "../lib/scenario/refusal";
import { tagVerdict } from "../lib/scenario/tags";
import { fromRoot } from "../lib/util/paths";

const DIR = join(fromRoot(), "..", "shared", "external", "osaf-results");
const present = existsSync(DIR) && readdirSync(DIR).some((f) => f.endsWith(".json"));
if (!present) console.warn(`scenario.osaf.test: skipped, ${DIR} is absent (the real result files live in ../shared/external)`);

interface OsafRecord {
  output: string;
  output_without_scratchpad: string;
  output_contains_acceptance: boolean;
  output_contains_refusal: boolean;
  tags: string | string[];
}

function records(): { file: string; i: number; r: OsafRecord }[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((file) => (JSON.parse(readFileSync(join(DIR, file), "utf8")) as OsafRecord[]).map((r, i) => ({ file, i, r })));
}

/** The pipeline's cut of the output, without the OUTPUT tags around it. */
const inner = (s: string) => s.replace(/^\s*<OUTPUT>/, "").replace(/<\/OUTPUT>\s*$/, "").trim();

describe.skipIf(!present)("the open-source pipeline's real replies", () => {
  const all = present ? records() : [];
  const read = all.map(({ file, i, r }) => {
    const p = parseReply(r.output);
    const v = tagVerdict(p.final_output);
    return { where: `${file}#${i} (${String(r.tags)})`, r, p, v, refusesInWords: v.accepted === null && looksLikeRefusal(p.final_output) };
  });

  it("reads 30 records, each with one scratchpad and a tagged OUTPUT", () => {
    expect(read).toHaveLength(30);
    for (const x of read) {
      expect(x.p.tagged_output, x.where).toBe(true);
      expect(x.p.turns).toBe(1);
      expect(x.p.reasoning_unclosed).toBe(false);
      expect(x.p.scratchpad && x.p.scratchpad.length > 200, x.where).toBe(true);
    }
  });

  it("cuts the output exactly where the pipeline did", () => {
    for (const x of read) expect(x.p.final_output, x.where).toBe(inner(x.r.output_without_scratchpad));
  });

  it("agrees with the files' tag flags, and counts the refusals the flags cannot see", () => {
    const kinds = {
      acceptance_flag_disagrees: read.filter((x) => x.r.output_contains_acceptance !== (x.v.accepted === true)),
      refusal_flag_disagrees: read.filter((x) => x.r.output_contains_refusal !== (x.v.accepted === false)),
      untagged_refusal: read.filter((x) => x.refusesInWords && !x.r.output_contains_refusal),
      untagged_not_refusal: read.filter((x) => x.v.accepted === null && !x.refusesInWords),
    };
    const lines = Object.entries(kinds).map(([k, xs]) => `  ${k}: ${xs.length}${xs.length ? ` (${xs.map((x) => x.where).join("; ")})` : ""}`);
    const old = read.filter((x) => x.v.accepted === null && looksLikeRefusalV0(x.p.final_output)).length;
    console.log(`osaf-results: ${read.length} replies; project parse against the files' flags:\n${lines.join("\n")}\n  (the old 400-character regex reads ${old} of them as refusals)`);
    // The prompt of these runs asked for no accept/reject tag: no reply carries one, as the files say.
    expect(kinds.acceptance_flag_disagrees).toHaveLength(0);
    expect(kinds.refusal_flag_disagrees).toHaveLength(0);
    expect(read.every((x) => x.v.accepted === null)).toBe(true);
    // Every reply refuses in words; the files' refusal flag, which only looks for <rejected/>, says false.
    expect(kinds.untagged_refusal).toHaveLength(30);
    expect(kinds.untagged_not_refusal).toHaveLength(0);
  });
});
