export * from "../scenario/reply";
