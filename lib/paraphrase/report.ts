/**
 * The wording analysis of a results folder, read from its manifest: the
 * conditions whose recorded factors carry a wording (`wording`,
 * `wording_kind`, `condition`), as `crossExperiment` / `crossWithWordings`
 * set them and the runner records them in `condition_specs`. Used by `afw
 * report`, `afw paraphrase report` and the notebooks.
 */
import type { RunManifest } from "../schema/index";
import { analyseWordings, failedSample, formatWordingAnalysis, type WordingAnalysis, type WordingAnalysisOptions, type WordingCondition, type WordingSample } from "./analysis";

/** The crossed conditions a manifest records (empty when the run was not crossed with a paraphrase set). */
export function wordingConditions(manifest: Pick<RunManifest, "condition_specs"> | null | undefined): WordingCondition[] {
  const out: WordingCondition[] = [];
  for (const [name, spec] of Object.entries(manifest?.condition_specs ?? {})) {
    const f = spec.factors ?? {};
    if (typeof f.wording === "string" && typeof f.condition === "string" && (f.wording_kind === "reference" || f.wording_kind === "paraphrase")) out.push({ name, factors: f });
  }
  return out;
}

/** The paraphrase set(s) a manifest's crossed conditions name (their `paraphrase_set` factor). */
export function paraphraseSetsOf(manifest: Pick<RunManifest, "condition_specs"> | null | undefined): string[] {
  return [...new Set(wordingConditions(manifest).map((c) => c.factors.paraphrase_set).filter((x): x is string => typeof x === "string"))];
}

/**
 * The wording analysis of a run, or null when its manifest records no
 * crossed conditions or none of their samples finished.
 *
 * @example
 * const run = await loadRun("runs/wording");
 * const w = wordingReport(run);
 * if (w) console.log(w.text);
 */
export function wordingReport(run: { manifest: Pick<RunManifest, "condition_specs"> | null; samples: readonly WordingSample[] }, opts: WordingAnalysisOptions = {}): { analysis: WordingAnalysis; text: string } | null {
  const conditions = wordingConditions(run.manifest);
  if (!conditions.length) return null;
  const names = new Set(conditions.map((c) => c.name));
  if (!run.samples.some((s) => !failedSample(s) && names.has(s.condition))) return null;
  const analysis = analyseWordings(run.samples, conditions, opts);
  return { analysis, text: formatWordingAnalysis(analysis) };
}

/**
 * An experiment's contrasts for a run crossed with a paraphrase set: a term
 * on a crossed condition X is read on X's reference wording (the condition
 * the run records with factors condition = X, wording = reference), as
 * `crossExperiment` does before the run; other contrasts are unchanged.
 */
export function referenceContrasts<K extends { says: string; terms: readonly { condition: string }[] }>(contrasts: readonly K[], manifest: Pick<RunManifest, "condition_specs"> | null | undefined): K[] {
  const ref = new Map<string, string>();
  for (const c of wordingConditions(manifest)) if (c.factors.wording === "reference") ref.set(c.factors.condition as string, c.name);
  if (!ref.size) return [...contrasts];
  return contrasts.map((k) => (k.terms.some((t) => ref.has(t.condition)) ? { ...k, says: `${k.says} (reference wording)`, terms: k.terms.map((t) => ({ ...t, condition: ref.get(t.condition) ?? t.condition })) } : k));
}
