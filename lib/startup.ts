import { ConfigError, env } from "./env";

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
  if (stops.length) {
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
