/** Address checks: normalise, syntax, typo suggestion, disposable and role flags, domain verdicts. */
export * from "./cached-check";
export * from "./check";
export * from "./domain-verdict";
export * from "./flags";
export * from "./normalise";
export * from "./problems";
export * from "./syntax";
export * from "./typo";
