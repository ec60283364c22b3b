/**
 * lib/frame: results as rows and as danfojs DataFrames. `load(dir)` gives a
 * DataFrame; `loadRows(dir)` and `sampleRows(samples, manifest)` plain rows;
 * `tallyFolder(dir)` a streaming tally (counts per cell and query) for big
 * folders.
 */
export { loadRun, type LoadedRun } from "../store/index";
export { compliedByTags } from "./facts";
export * from "./rows";
export { load, loadRows, toFrame, danfojs } from "./frame";
export * from "./tally";
export { tallyFolder } from "./stream";
