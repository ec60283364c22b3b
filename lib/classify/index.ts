export * from "./prompts";
export * from "./judge-parse";
export * from "./votes";
export * from "./judges";
export * from "./validate";
