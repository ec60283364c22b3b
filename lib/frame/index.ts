export * from "./load";
export * from "./frame";
