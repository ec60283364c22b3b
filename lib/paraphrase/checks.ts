import { chrF, lengthRatio, tokenJaccard } from "./similarity";
import { extractParaphrase } from "./prompts";
import { listLabels, placeholdersIn, tagsOf } from "./markers";

/**
 * The checks every paraphrase passes before it is used. A failed check
 * rejects the paraphrase with its reason (recorded in the set's manifest,
 * never dropped silently); a warning is recorded and the paraphrase kept
 * (or rejected with --strict).
 */

/** Why a paraphrase (or a whole wording) was rejected or flagged. */
export interface Reason {
  /** Which unit ("criteria", "suffix", …) or "wording" for whole-wording checks. */
  unit: string;
  check: "call" | "format" | "tag" | "new-tag" | "placeholder" | "label" | "name" | "term" | "length" | "copy" | "duplicate" | "drift" | "facts" | "render";
  detail: string;
}

/** Similarity of a paraphrase to its source. */
export interface UnitMetrics {
  /** chrF, 0–1 (character n-gram F-score, sacreBLEU's definition). */
  chrf: number;
  /** Jaccard index of the word-token sets. */
  jaccard: number;
  /** Paraphrase length / source length, in characters. */
  length_ratio: number;
}

export interface UnitCheck {
  unit: string;
  /** The reworded text, or null when the reply had none. */
  text: string | null;
  ok: boolean;
  reasons: Reason[];
  warnings: Reason[];
  metrics: UnitMetrics | null;
}

/** Limits of the checks. */
export interface CheckLimits {
  /** Accepted length ratio range; default [0.5, 2]. */
  minLengthRatio: number;
  maxLengthRatio: number;
  /** chrF below this is a "drift" warning; default 0.25. */
  driftChrf: number;
}

export const DEFAULT_LIMITS: CheckLimits = { minLengthRatio: 0.5, maxLengthRatio: 2, driftChrf: 0.25 };

/** Terms the experiment's facts hang on: if the source has one (in any listed form), the paraphrase must too. */
export const KEY_TERMS: ReadonlyArray<{ name: string; forms: RegExp }> = [
  { name: "free tier", forms: /\bfree[- ]tier\b/i },
  { name: "RLHF", forms: /\bRLHF\b/ },
];

const norm = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * Check one paraphrase reply against its source text. `names` are proper
 * names that must survive where the source has them (the developer's name).
 *
 * @example checkUnit("suffix", "Say <rejected/> if not.", "<paraphrase>\nIf not, say <rejected/>.\n</paraphrase>").ok // true
 */
export function checkUnit(unit: string, source: string, reply: string, o: { names?: readonly string[]; limits?: Partial<CheckLimits> } = {}): UnitCheck {
  const lim = { ...DEFAULT_LIMITS, ...o.limits };
  const reasons: Reason[] = [];
  const warnings: Reason[] = [];
  const text = extractParaphrase(reply);
  const reject = (check: Reason["check"], detail: string) => reasons.push({ unit, check, detail });
  if (text === null) {
    reject("format", "no <paraphrase>…</paraphrase> block in the reply");
    return { unit, text: null, ok: false, reasons, warnings, metrics: null };
  }
  if (norm(text) === "") {
    reject("format", "the <paraphrase> block is empty");
    return { unit, text, ok: false, reasons, warnings, metrics: null };
  }
  const tags = tagsOf(text);
  for (const t of tagsOf(source)) if (!tags.includes(t)) reject("tag", `dropped tag ${t}`);
  const sourceTags = tagsOf(source);
  for (const t of tags) if (!sourceTags.includes(t)) reject("new-tag", `added tag ${t} (not in the source)`);
  const ph = placeholdersIn(text);
  for (const p of placeholdersIn(source)) if (!ph.includes(p)) reject("placeholder", `dropped placeholder ${p}`);
  const sourcePh = placeholdersIn(source);
  for (const p of ph) if (!sourcePh.includes(p)) reject("placeholder", `added placeholder ${p} (not in the source)`);
  const labels = listLabels(text);
  for (const l of listLabels(source)) if (!labels.includes(l)) reject("label", `dropped list label "- ${l}:"`);
  for (const name of o.names ?? []) if (name && source.includes(name) && !text.includes(name)) reject("name", `dropped the name "${name}"`);
  for (const k of KEY_TERMS) if (k.forms.test(source) && !k.forms.test(text)) reject("term", `dropped the term "${k.name}"`);
  const metrics: UnitMetrics = { chrf: chrF(text, source), jaccard: tokenJaccard(text, source), length_ratio: lengthRatio(text, source) };
  if (!(metrics.length_ratio >= lim.minLengthRatio && metrics.length_ratio <= lim.maxLengthRatio)) {
    reject("length", `length ratio ${metrics.length_ratio.toFixed(2)} outside [${lim.minLengthRatio}, ${lim.maxLengthRatio}]`);
  }
  if (norm(text) === norm(source)) reject("copy", "not reworded (identical to the source)");
  if (metrics.chrf < lim.driftChrf) warnings.push({ unit, check: "drift", detail: `far from the source (chrF ${metrics.chrf.toFixed(2)} < ${lim.driftChrf})` });
  return { unit, text, ok: reasons.length === 0, reasons, warnings, metrics };
}
