/**
 * lib/pipeline: the one path through the workbench. A run (plan → samples)
 * and judging write a results folder through lib/store.
 */
export * from "./run";
export * from "./judge";
