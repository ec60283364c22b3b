/**
 * af-workbook's public entry, for notebooks and scripts:
 *   import * as afw from "./lib/index";
 * Stages follow the flow: schema → scenario, queries → models (organisms
 * offline) → run → classify → frame → analysis, stats → figures.
 */
export * from "./schema";
export * from "./scenario";
export * from "./queries";
export * from "./models";
export * from "./organisms";
export * from "./classify";
export * from "./run";
export * from "./experiments";
export * from "./frame";
export * from "./analysis";
export * from "./stats";
export * from "./figures";
export { AfwError } from "./util/errors";
export { sha256, canonicalJson } from "./util/hash";
export { projectRoot, fromRoot } from "./util/paths";
