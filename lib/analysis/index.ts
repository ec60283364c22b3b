export * from "./tables";
export * from "./judge-tables";
export * from "./motivations";
export * from "./published";
export * from "./figure-rows";
