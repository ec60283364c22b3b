export * from "./tables";
export * from "./judge-tables";
export * from "./motivations";
export * from "./published";
export * from "./figure-rows";
export * from "./post-training";
export * from "./contrast-rows";
export * from "./cells";
