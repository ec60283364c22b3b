export * from "./tables";
export * from "./judge-tables";
