/**
 * Simulated model organisms: the offline default of af-workbook. They read a
 * rendered prompt as a real model would (tier tag, scratchpad instructions),
 * decide by hash, and answer over OpenAI-compatible HTTP on 127.0.0.1 with a
 * placeholder where a compliant answer would be. See catalog.ts for the
 * built-in models and the `name@free=…,paid=…` parameters.
 */
export { startOrganismServer, type OrganismServer, type OrganismServerOptions } from "./server";
export { respond, generateChat, generateCompletion, placeholder, type Generated } from "./respond";
export { BUILTIN_ORGANISMS } from "./catalog";
export { resolveOrganism, type ResolvedOrganism } from "./model-name";
export { organismNames } from "./names";
export { makeRegistry, OrganismConfigSchema } from "./registry";
export { readTier, readUserInput, readChat, asksForScratchpad, type ChatReading } from "./read-prompt";
export {
  OrganismError,
  type OrganismConfig,
  type OrganismStyle,
  type Decision,
  type DecisionKind,
  type ChatOrCompletionBody,
  type OrganismReply,
  type WireMessage,
} from "./types";
export {
  MOTIVE_ORGANISMS,
  MOTIVE_HYPOTHESIS,
  FINE_TUNES,
  fineTunesOf,
  motiveOrganism,
  complyProbability,
  latentGuardProbability,
  reflexChance,
  understandChance,
  stakes,
  type Motive as OrganismMotive,
  type MotiveOrganism,
} from "./motives";
export { contextKey, prefillKind } from "./motive-respond";
export { readSituation, type Situation } from "./situation";
export { SIM_EVAL_AWARE, familiarity, readWording, memorisedSentences, RECOGNISE_AT, type WordingReading } from "./eval-aware";
export { SIM_PARAPHRASER, generateParaphrase, isParaphraserModel, resolveParaphraser, MALFORMATIONS, type Malformation } from "./paraphraser";
export { reword, rewordablePhrases, REWORDINGS } from "./rewording";
export { generateFor } from "./generate";
export { SIM_DELIBERATOR, DELIBERATOR_CONFIG, generateDeliberator, isDeliberatorModel, resolveDeliberator, splitSteps, type ResolvedDeliberator } from "./deliberator";
