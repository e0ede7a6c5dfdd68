/**
 * The one owner of `outbound_emails`: its states, and every transition as a named function. Nothing
 * outside this folder writes the table.
 */
export * from "./cancel";
export * from "./dispatch";
export * from "./enqueue";
export * from "./feedback";
export * from "./states";
