export * from "./render";
export * from "./tiers";
export * from "./template";
export * as sections from "./sections";
