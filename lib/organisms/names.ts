import { BUILTIN_ORGANISMS } from "./catalog";
import { SIM_DELIBERATOR } from "./deliberator";
import { SIM_EVAL_AWARE } from "./eval-aware";
import { FINE_TUNES, MOTIVE_ORGANISMS } from "./motives";
import type { OrganismConfig } from "./types";

/**
 * Every simulated organism a run may name offline, in the order the
 * organism server lists them at GET /v1/models: the registry's organisms
 * (sim-faker, sim-refuser, sim-sycophant and any added), the motive
 * organisms, the fine-tune stand-ins (`BASE@ft=NAME`), sim-eval-aware and
 * sim-deliberator. The server also answers the scripted judge and the
 * paraphraser, which are tools rather than subjects, so they are not here.
 *
 * @example organismNames().includes("sim-deliberator") // true
 */
export function organismNames(registry: Readonly<Record<string, OrganismConfig>> = BUILTIN_ORGANISMS): string[] {
  const out = Object.keys(registry);
  for (const name of [...Object.keys(MOTIVE_ORGANISMS), ...Object.keys(FINE_TUNES), SIM_EVAL_AWARE, SIM_DELIBERATOR]) {
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
