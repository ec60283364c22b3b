/**
 * lib/experiments: every experiment of the paper as data (conditions,
 * models, n, contrasts), and the plan that turns one into runs and
 * dry-run estimates.
 */
export * from "./schema";
export * from "./models";
export * from "./catalog";
export * from "./plan";
export * from "./prices";
export * from "./adhoc";
export * from "./hypotheses";
export * from "./finetuned";
export * from "./estimate";
