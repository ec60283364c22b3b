export * from "./reply";
export * from "./tags";
