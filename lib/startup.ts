import { ConfigError, env } from "./env";

/** Set on globalThis by scripts/server.ts before Next.js starts; filled in here. */
type AppServerHooks = { stopRuntimes?: () => Promise<void> };

// Runs once when the Node.js server starts: a bad configuration stops it with a sentence,
// not with a stack trace at the first request.
try {
  const config = env();
  const stops: (() => Promise<void>)[] = [];
  if (config.MAIL_DISPATCHER === "in-app") {
    const { startMailRuntime, stopMailRuntime } = await import("./mail/start");
    startMailRuntime();
    stops.push(stopMailRuntime);
  } else {
    const { configureAddressDns } = await import("./mail/start");
    configureAddressDns();
  }
  if (config.FEEDBACK_APPLIER === "in-app") {
    const { startFeedbackRuntime, stopFeedbackRuntime } = await import("./feedback/start");
    startFeedbackRuntime();
    stops.push(stopFeedbackRuntime);
  }
  // Retention and other periodic jobs: idempotent, so every process may run them.
  const { startHousekeeping } = await import("./housekeeping/start");
  startHousekeeping();
  const appServer = (globalThis as unknown as { __sendwellAppServer?: AppServerHooks })
    .__sendwellAppServer;
  if (appServer) {
    // Under the app's own server (scripts/server.ts) the server owns the signals: it stops taking
    // requests and answers those in hand first, then stops these, then closes the database.
    appServer.stopRuntimes = () => Promise.all(stops.map((stop) => stop())).then(() => {});
  } else if (stops.length) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        void Promise.all(stops.map((stop) => stop())).finally(() => process.exit(0));
      });
    }
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
