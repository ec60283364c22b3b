import type { Condition, Experiment } from "../experiments/index";
import { loadScenario, type Scenario } from "../scenario/index";
import { AfwError } from "../util/errors";
import { sha256 } from "../util/hash";
import type { ParaphraseSet } from "./load";

/** A factor value, as the manifest's condition specs hold them. */
export type FactorValue = string | number | boolean | null;

/** What crossing needs of a condition: its name, its scenario and its factors; every other field is kept. */
export interface CrossableCondition {
  name: string;
  scenario: Scenario;
  factors?: Record<string, FactorValue>;
}

/** The factors crossing adds to every condition. */
export interface WordingFactors {
  [k: string]: FactorValue;
  /** The condition the wording belongs to (the name before crossing). */
  condition: string;
  /** "reference" or the wording's id in the set ("w03"). */
  wording: string;
  wording_kind: "reference" | "paraphrase";
  /** The paraphrase set's source hash (first 16 hex digits), so results say which set they used. */
  paraphrase_set: string;
}

export interface CrossOptions {
  /** Also run the reference wording (the scenario as it is); default true. */
  includeReference?: boolean;
  /** Only these wording ids of the set (default: all). */
  wordings?: readonly string[];
}

/**
 * What an ad-hoc run (afw run --paraphrases SET, no experiment) should change
 * when the set rewords another variant, or the same one with the other cot
 * setting, than the run asked for; null when the set was made from files or
 * already matches.
 *
 * @example
 * adhocRemedy({ variant: "three-tiers", cot: true, system_file: null, suffix_file: null }, { variant: "baseline", cot: true });
 * // "the set was made from variant three-tiers (cot): add --variant three-tiers"
 */
export function adhocRemedy(made: { variant: string; cot: boolean; system_file: string | null; suffix_file: string | null }, run: { variant: string; cot: boolean }): string | null {
  if (made.system_file || made.suffix_file) return null;
  if (made.variant === run.variant && made.cot === run.cot) return null;
  const add = [...(made.variant !== run.variant ? [`--variant ${made.variant}`] : []), ...(made.cot !== run.cot && !made.cot ? ["--no-cot"] : [])];
  const fix = [...(add.length ? [`add ${add.join(" ")}`] : []), ...(made.cot !== run.cot && made.cot ? ["drop --no-cot"] : [])];
  return `the set was made from variant ${made.variant} (${made.cot ? "cot" : "no-cot"}): ${fix.join(" and ")}`;
}

/** The name of a crossed condition: the condition, two dashes, the wording ("baseline--w03", "baseline--reference"). */
export function wordingConditionName(condition: string, wording: string): string {
  return `${condition}--${wording}`;
}

/**
 * Cross an experiment's conditions with a paraphrase set: every condition
 * becomes one condition per wording (and one for the reference wording),
 * each with the same queries, tiers, models and samples, its scenario
 * rendered from the wording's files through the byte-exact override
 * mechanism, and `factors` gaining `condition`, `wording`, `wording_kind`
 * and `paraphrase_set`. Analyses read those factors, never the name.
 *
 * A condition whose system prompt or suffix is not the text the set was
 * made from is an AfwError (a set reworded one scenario; running its
 * wordings under another would change more than the wording).
 *
 * @example
 * const crossed = crossWithWordings([{ name: "baseline", scenario: loadScenario(), tiers: ["free", "paid"] }], loadParaphraseSet("sets/baseline"));
 * // → baseline--reference, baseline--w00, baseline--w01, … each with factors.wording
 */
export function crossWithWordings<C extends CrossableCondition>(conditions: readonly C[], set: ParaphraseSet, opts: CrossOptions = {}): (C & { factors: WordingFactors })[] {
  const m = set.manifest;
  const src = m.source;
  const setId = src.hash.slice(0, 16);
  const wanted = opts.wordings ? new Set(opts.wordings) : null;
  if (wanted) for (const id of wanted) if (!set.wordings.some((w) => w.id === id)) throw new AfwError(`paraphrase set ${set.dir} has no wording "${id}"; it has ${set.wordings.map((w) => w.id).join(", ") || "none"}`);
  const wordings = set.wordings.filter((w) => !wanted || wanted.has(w.id));
  if (!wordings.length && opts.includeReference === false) throw new AfwError(`paraphrase set ${set.dir}: no wordings to run`);
  const out: (C & { factors: WordingFactors })[] = [];
  for (const c of conditions) {
    const sc = c.scenario;
    if (sha256(sc.system) !== src.system_sha256 || sha256(sc.suffix) !== src.suffix_sha256) {
      const which = sha256(sc.system) !== src.system_sha256 ? "system prompt" : "suffix";
      throw new AfwError(
        `condition "${c.name}" (variant ${sc.spec.variant}, ${sc.spec.cot ? "cot" : "no-cot"}): its ${which} is not the text the paraphrase set ${set.dir} was made from (variant ${m.scenario.variant}, ${m.scenario.cot ? "cot" : "no-cot"}); make a set from this condition's scenario`,
      );
    }
    const base = { ...(c.factors ?? {}), condition: (c.factors?.condition as string | undefined) ?? c.name, paraphrase_set: setId };
    if (opts.includeReference !== false) {
      out.push({ ...c, name: wordingConditionName(c.name, "reference"), factors: { ...base, wording: "reference", wording_kind: "reference" } });
    }
    for (const w of wordings) {
      const scenario = loadScenario({ ...sc.spec, overrides: { ...sc.spec.overrides, system: w.systemFile, suffix: w.suffixFile } });
      if (scenario.systemHash === sc.systemHash && scenario.suffix === sc.suffix) throw new AfwError(`${w.systemFile}: wording ${w.id} renders the reference texts unchanged`);
      out.push({ ...c, name: wordingConditionName(c.name, w.id), scenario, factors: { ...base, wording: w.id, wording_kind: "paraphrase" } });
    }
  }
  return out;
}

/** What `crossExperiment` made: the crossed experiment, and which of its conditions were crossed. */
export interface CrossedExperiment {
  experiment: Experiment;
  /** Conditions (names before crossing) whose texts are the set's source: each now one condition per wording. */
  crossed: string[];
  /** Conditions with other texts, kept as they were (no wording factor). */
  unchanged: string[];
}

/**
 * Cross an experiment (an experiment of lib/experiments, or an ad-hoc one)
 * with a paraphrase set, as data: every condition whose system prompt and
 * suffix are the texts the set was made from becomes one condition per
 * wording (and one for the reference wording), named as
 * `wordingConditionName` does, with the same variant, tiers and n (so the
 * same queries), the wording's files as byte-exact overrides, and the
 * factors `condition`, `wording`, `wording_kind` and `paraphrase_set` added
 * to its own. The plan, the run and the manifest (condition_specs) then
 * carry the wording as a factor like any other. Conditions with other texts
 * are kept unchanged; none matching is an AfwError naming the set's
 * scenario. The experiment's contrasts are kept for the reference wording
 * (dropped with `includeReference: false` when they touch a crossed
 * condition).
 *
 * @example
 * const { experiment } = crossExperiment(getExperiment("post-training"), loadParaphraseSet("sets/baseline"), { only: ["baseline", "prefill-basic"] });
 * // conditions: baseline--reference, baseline--w00, …, prefill-basic--reference, prefill-basic--w00, …
 */
export function crossExperiment(e: Experiment, set: ParaphraseSet, opts: CrossOptions & { only?: readonly string[]; remedy?: string } = {}): CrossedExperiment {
  const m = set.manifest;
  const src = m.source;
  const setId = src.hash.slice(0, 16);
  if (opts.only) {
    const names = e.conditions.map((c) => c.name);
    for (const c of opts.only) if (!names.includes(c)) throw new AfwError(`experiment ${e.name} has no condition "${c}"; conditions: ${names.join(", ")}`);
  }
  const wanted = opts.wordings ? new Set(opts.wordings) : null;
  if (wanted) for (const id of wanted) if (!set.wordings.some((w) => w.id === id)) throw new AfwError(`paraphrase set ${set.dir} has no wording "${id}"; it has ${set.wordings.map((w) => w.id).join(", ") || "none"}`);
  const wordings = set.wordings.filter((w) => !wanted || wanted.has(w.id));
  const withRef = opts.includeReference !== false;
  if (!wordings.length && !withRef) throw new AfwError(`paraphrase set ${set.dir}: no wordings to run`);
  const conditions: Condition[] = [];
  const crossed: string[] = [];
  const unchanged: string[] = [];
  for (const c of e.conditions) {
    if (opts.only && !opts.only.includes(c.name)) continue;
    const sc = loadScenario({ variant: c.variant, cot: c.cot, ...(c.tiers ? { tiers: c.tiers } : {}), ...(c.overrides ? { overrides: c.overrides } : {}) });
    if (sha256(sc.system) !== src.system_sha256 || sha256(sc.suffix) !== src.suffix_sha256) {
      conditions.push(c);
      unchanged.push(c.name);
      continue;
    }
    crossed.push(c.name);
    const base = { ...c.factors, condition: typeof c.factors.condition === "string" ? c.factors.condition : c.name, paraphrase_set: setId };
    if (withRef) conditions.push({ ...c, name: wordingConditionName(c.name, "reference"), factors: { ...base, wording: "reference", wording_kind: "reference" } });
    for (const w of wordings) {
      conditions.push({ ...c, name: wordingConditionName(c.name, w.id), overrides: { ...c.overrides, system: w.systemFile, suffix: w.suffixFile }, factors: { ...base, wording: w.id, wording_kind: "paraphrase" } });
    }
  }
  if (!crossed.length) {
    const which = opts.only ? `conditions ${opts.only.join(", ")}` : `any condition (${e.conditions.map((c) => `${c.name}: ${c.variant}${c.cot ? "" : ", no-cot"}`).join("; ")})`;
    throw new AfwError(
      `paraphrase set ${set.dir} rewords ${m.scenario.variant} (${m.scenario.cot ? "cot" : "no-cot"}${m.scenario.system_file || m.scenario.suffix_file ? ", from files" : ""}), whose texts are not those of ${which} of experiment ${e.name}; ${opts.remedy ?? "make a set from one of its conditions (afw paraphrase VARIANT)"}`,
    );
  }
  const renamed = (name: string) => (crossed.includes(name) ? (withRef ? wordingConditionName(name, "reference") : null) : name);
  const contrasts = e.contrasts.flatMap((k) => {
    if (k.terms.some((t) => !conditions.some((c) => c.name === renamed(t.condition)))) return [];
    return [{ ...k, says: k.terms.some((t) => crossed.includes(t.condition)) ? `${k.says} (reference wording)` : k.says, terms: k.terms.map((t) => ({ ...t, condition: renamed(t.condition)! })) }];
  });
  return { experiment: { ...e, conditions, contrasts }, crossed, unchanged };
}
