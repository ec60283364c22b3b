export * from "./runner";
export * from "./store";
export * from "./compact";
export * from "./slim";
export * from "./prompts";
