import type { Judgement, Sample } from "../schema/index";

/**
 * The judgement that counts for one judge family on a sample: the latest
 * valid one, in the order the judgements were merged (file order). Invalid
 * judgements (replies that never parsed, requests that failed) never count.
 * The one definition; everything that reads "the judge's verdict" asks here.
 *
 * @example
 * latestJudgement(sample, "af_reasoning")?.label; // "af" | "possible_af" | "not_af" | undefined
 */
export function latestJudgement(s: Pick<Sample, "judgements">, judge: string): Judgement | null {
  let best: Judgement | null = null;
  for (const j of Object.values(s.judgements ?? {})) if (j.judge === judge && j.valid) best = j;
  return best;
}
