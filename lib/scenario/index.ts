export * from "./render";
export * from "./tiers";
export * from "./template";
export * from "./variants";
export * as sections from "./sections";
export * from "./display";
export * from "./tags";
export * from "./reply";
export * from "./refusal";
