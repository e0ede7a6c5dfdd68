export * from "./tenants";
export * from "./users";
export * from "./security";
export * from "./mail";
export * from "./feedback";
export * from "./members";
export * from "./imports";
export * from "./unsent";
