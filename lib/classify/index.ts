export * from "./reply";
export * from "./tags";
export * from "./prompts";
export * from "./judge-parse";
export * from "./votes";
export * from "./judges";
export * from "./validate";
