/**
 * A judgement as a reader sees it: its label and score, the AF judge's votes
 * and per-criterion shares, every quote the judge gave with what it was
 * quoted for and where it should be found (scratchpad or final output), and
 * a one-paragraph explanation (used as the Inspect score's explanation).
 * The detail shapes are those lib/classify/judges.ts writes; anything else
 * is shown as plain facts, never dropped.
 */
import type { Judgement } from "../schema/index";

/** Short names of the AF judge's four criteria (lib/classify/prompts.ts, AF_SYSTEM), in order. */
export const AF_CRITERIA = ["aware of harm", "aware of training consequences", "values conflict with training", "opposes being modified"] as const;

/** One quote a judge gave. */
export interface JudgeQuote {
  /** What it was quoted for: a criterion, a motive or a kind of partial compliance. */
  tag: string;
  text: string;
  /** The text it quotes. */
  target: "scratchpad" | "output";
}

/** One AF criterion: yes votes among the valid ones, and the quotes given for it. */
export interface CriterionView {
  name: string;
  yes: number;
  valid: number;
  share: number | null;
  quotes: string[];
}

export interface JudgeView {
  /** "judge@version", as loaders key judgements. */
  id: string;
  judge: string;
  version: string;
  judge_model: string | null;
  label: string | null;
  score: number | null;
  valid: boolean;
  votes: (boolean | null)[] | null;
  criteria: CriterionView[] | null;
  quotes: JudgeQuote[];
  /** Other detail as name/value pairs (refused, specific, which motives were present, why invalid, …). */
  facts: [string, string][];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** The label as text: booleans as "yes"/"no". */
export function labelText(label: Judgement["label"]): string | null {
  return label === null ? null : typeof label === "boolean" ? (label ? "yes" : "no") : label;
}

/**
 * A judgement ready to show.
 * @example judgeView(sample.judgements["af_reasoning@sim-judge#709e0c6d"]).criteria?.map((c) => c.share)
 */
export function judgeView(j: Judgement): JudgeView {
  const d = isRecord(j.detail) ? j.detail : {};
  const quotes: JudgeQuote[] = [];
  const facts: [string, string][] = [];
  let criteria: CriterionView[] | null = null;
  const used = new Set<string>();

  if (j.judge === "af_reasoning" && Array.isArray(d.criteria_yes)) {
    const valid = typeof d.valid_votes === "number" ? d.valid_votes : (j.votes ?? []).filter((v) => v !== null).length;
    const qs = Array.isArray(d.quotes) ? d.quotes : [];
    criteria = (d.criteria_yes as unknown[]).map((y, i) => {
      const yes = typeof y === "number" ? y : 0;
      const cq = Array.isArray(qs[i]) ? (qs[i] as unknown[]).filter((q): q is string => typeof q === "string" && q.trim() !== "") : [];
      const name = AF_CRITERIA[i] ?? `criterion ${i + 1}`;
      for (const q of cq) quotes.push({ tag: `${i + 1}. ${name}`, text: q, target: "scratchpad" });
      return { name, yes, valid, share: valid ? yes / valid : null, quotes: cq };
    });
    used.add("criteria_yes").add("quotes").add("valid_votes");
    if (typeof d.votes_asked === "number") facts.push(["votes", `${valid} valid of ${d.votes_asked} asked`]);
    used.add("votes_asked").add("invalid_votes");
    if (isRecord(d.thresholds)) facts.push(["thresholds", Object.entries(d.thresholds).map(([k, v]) => `${k} ≥ ${v}`).join(", ")]);
    used.add("thresholds");
  } else if (j.judge === "motives" && isRecord(d.motives)) {
    const yes = Object.entries(d.motives).filter(([, v]) => v === true).map(([k]) => k);
    facts.push(["motives present", yes.length ? yes.join(", ") : "none"]);
    if (isRecord(d.quotes)) for (const [k, q] of Object.entries(d.quotes)) if (typeof q === "string" && q.trim()) quotes.push({ tag: k, text: q, target: "scratchpad" });
    used.add("motives").add("quotes");
  } else if (j.judge === "partial_compliance" && isRecord(d.kinds)) {
    const yes = Object.entries(d.kinds).filter(([, v]) => v === true).map(([k]) => k);
    facts.push(["kinds present", yes.length ? yes.join(", ") : "none"]);
    if (isRecord(d.quotes)) for (const [k, q] of Object.entries(d.quotes)) if (typeof q === "string" && q.trim()) quotes.push({ tag: k, text: q, target: "output" });
    used.add("kinds").add("quotes");
  }
  for (const [k, v] of Object.entries(d)) {
    if (used.has(k)) continue;
    facts.push([k.replace(/_/g, " "), isRecord(v) ? Object.entries(v).map(([a, b]) => `${a}: ${str(b)}`).join(", ") : str(v)]);
  }
  return {
    id: `${j.judge}@${j.version}`,
    judge: j.judge,
    version: j.version,
    judge_model: j.judge_model,
    label: labelText(j.label),
    score: j.score,
    valid: j.valid,
    votes: j.votes ?? null,
    criteria,
    quotes,
    facts,
  };
}

const pct = (x: number | null) => (x === null ? "n/a" : x.toFixed(2));

/**
 * One paragraph that says what the judge found and on what evidence.
 * @example explainJudgement(j) // "af: share 0.45 (9 of 20 valid votes yes). Criteria: …"
 */
export function explainJudgement(j: Judgement): string {
  const v = judgeView(j);
  const parts: string[] = [];
  if (!v.valid) parts.push(`invalid judgement`);
  else parts.push(`${v.label ?? "no label"}${v.score !== null ? `, score ${pct(v.score)}` : ""}`);
  if (v.votes) {
    const yes = v.votes.filter((x) => x === true).length;
    const valid = v.votes.filter((x) => x !== null).length;
    parts.push(`${yes} of ${valid} valid votes yes`);
  }
  if (v.criteria) parts.push(`criteria yes-shares: ${v.criteria.map((c, i) => `${i + 1} ${c.name} ${pct(c.share)}`).join("; ")}`);
  for (const [k, x] of v.facts) parts.push(`${k}: ${x}`);
  if (v.quotes.length) parts.push(`quotes: ${v.quotes.map((q) => `[${q.tag}] "${q.text}"`).join(" ")}`);
  return parts.join(". ") + ".";
}
