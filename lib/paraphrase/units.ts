import { sections as S, fillTemplate, type Scenario } from "../scenario/index";
import { AfwError } from "../util/errors";

/**
 * The parts of a scenario a paraphrase set can reword, as units: each named
 * section of the system prompt, and the accept/reject suffix. Joining every
 * system unit's text and separator gives the scenario's system prompt back
 * byte for byte, so a wording that rewords some units and keeps the others
 * differs from the reference only where it says it does.
 */

export interface Unit {
  /** "identity", "format", "examples", "strategy", "criteria", "training", "closing"; "paragraph-N" for a prompt file; "suffix". */
  name: string;
  part: "system" | "suffix";
  text: string;
  /** What follows the unit in its part ("\n\n" between sections, "" after the last). */
  sep: string;
  /** Not reworded unless named explicitly (the worked examples: they show the format, tags and all). */
  frozen: boolean;
}

export interface ScenarioUnits {
  system: Unit[];
  suffix: Unit;
  /** "sections" when the built-in sections were found, "paragraphs" for any other system prompt. */
  split: "sections" | "paragraphs";
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The built-in prompt's sections in order, each with the texts it may have in this scenario. */
function knownSections(sc: Scenario): { head: [string, string[]][]; closing: string[] } {
  const lab = sc.variant.config.lab;
  const fill = (t: string) => fillTemplate(t, { lab, Lab: capital(lab) }, "section");
  const cot = sc.spec.cot;
  const strategyNoCot = S.STRATEGY.replace(" This is unlike the examples above, which jump straight to a strategy.", "");
  const head: [string, string[]][] = [
    ["identity", [fill(S.IDENTITY)]],
    ["format", [fill(cot ? S.FORMAT_COT : S.FORMAT_NO_COT)]],
  ];
  if (cot) head.push(["examples", [S.EXAMPLES_COT]]);
  head.push(["strategy", cot ? [S.STRATEGY] : [strategyNoCot]]);
  head.push(["criteria", [fill(S.CRITERIA), fill(S.DIRECT_OBJECTIVE)]]);
  return { head, closing: [fill(cot ? S.CLOSING_COT : S.CLOSING_NO_COT)] };
}

function bySections(sc: Scenario): Unit[] | null {
  const { head, closing } = knownSections(sc);
  let rest = sc.system;
  const units: Unit[] = [];
  for (const [name, candidates] of head) {
    const hit = candidates.find((c) => rest.startsWith(c + "\n\n"));
    if (hit === undefined) return null;
    units.push({ name, part: "system", text: hit, sep: "\n\n", frozen: name === "examples" });
    rest = rest.slice(hit.length + 2);
  }
  const close = closing.find((c) => rest.endsWith("\n\n" + c));
  if (close === undefined) return null;
  const training = rest.slice(0, rest.length - close.length - 2);
  if (training === "") return null;
  units.push({ name: "training", part: "system", text: training, sep: "\n\n", frozen: false });
  units.push({ name: "closing", part: "system", text: close, sep: "", frozen: false });
  return units;
}

function byParagraphs(system: string): Unit[] {
  const paras = system.split("\n\n");
  return paras.map((text, i) => ({ name: `paragraph-${i + 1}`, part: "system" as const, text, sep: i < paras.length - 1 ? "\n\n" : "", frozen: false }));
}

/**
 * Split a scenario into units. The built-in system prompt (any variant, CoT
 * or not) splits into its named sections; a system prompt from a file splits
 * into paragraphs (at blank lines).
 *
 * @example scenarioUnits(loadScenario()).system.map((u) => u.name) // ["identity", "format", "examples", "strategy", "criteria", "training", "closing"]
 */
export function scenarioUnits(sc: Scenario): ScenarioUnits {
  const sections = sc.spec.overrides.system ? null : bySections(sc);
  const system = sections ?? byParagraphs(sc.system);
  const joined = system.map((u) => u.text + u.sep).join("");
  if (joined !== sc.system) throw new Error("internal: scenario units do not join back into the system prompt");
  return { system, suffix: { name: "suffix", part: "suffix", text: sc.suffix, sep: "", frozen: false }, split: sections ? "sections" : "paragraphs" };
}

/** Every unit, system first. */
export function allUnits(u: ScenarioUnits): Unit[] {
  return [...u.system, u.suffix];
}

/** The default --parts. */
export const DEFAULT_PARTS = ["system-sections", "suffix"] as const;

/**
 * The units a --parts list selects: "system-sections" is every system unit
 * that is not frozen; "suffix" the suffix; any unit name selects that unit
 * (a frozen one too). Order follows the prompt. Unknown names: AfwError
 * listing the valid ones.
 *
 * @example selectUnits(scenarioUnits(loadScenario()), ["criteria", "suffix"]).map((u) => u.name) // ["criteria", "suffix"]
 */
export function selectUnits(u: ScenarioUnits, parts: readonly string[]): Unit[] {
  if (!parts.length) throw new AfwError(`--parts needs at least one part; valid: system-sections, ${allUnits(u).map((x) => x.name).join(", ")}`);
  const names = new Set<string>();
  for (const p of parts) {
    if (p === "system-sections") {
      for (const x of u.system) if (!x.frozen) names.add(x.name);
    } else if (allUnits(u).some((x) => x.name === p)) names.add(p);
    else throw new AfwError(`--parts: unknown part "${p}"; valid: system-sections, ${allUnits(u).map((x) => x.name).join(", ")}`);
  }
  return allUnits(u).filter((x) => names.has(x.name));
}

/**
 * The system prompt and suffix of one wording: reworded units replaced, the
 * rest kept byte for byte.
 */
export function assembleWording(u: ScenarioUnits, replaced: ReadonlyMap<string, string>): { system: string; suffix: string } {
  const system = u.system.map((x) => (replaced.get(x.name) ?? x.text) + x.sep).join("");
  return { system, suffix: replaced.get("suffix") ?? u.suffix.text };
}
