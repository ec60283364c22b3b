export { loadRun, type LoadedRun } from "../store/index";
export * from "./frame";
