/**
 * lib/frame: results as rows and as danfojs DataFrames. `load(dir)` gives a
 * DataFrame; `loadRows(dir)` and `sampleRows(samples, manifest)` plain rows.
 */
export { loadRun, type LoadedRun } from "../store/index";
export { compliedByTags } from "./facts";
export * from "./rows";
export { load, loadRows, toFrame, danfojs } from "./frame";
