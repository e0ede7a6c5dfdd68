export * from "./csv";
export * from "./decode";
export * from "./errors";
export * from "./headers";
export * from "./parse";
export * from "./validate";
export * from "./zip";
