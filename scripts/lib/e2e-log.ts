/** The e2e app's captured output (scripts/serve.ts), and the values that must never appear in it. */
export const E2E_SERVER_LOG = ".data/e2e-server.log";
export const E2E_LOG_SECRETS = ".data/e2e-log-secrets.json";
