import { ConfigError, env } from "./env";

// Runs once when the Node.js server starts: a bad configuration stops it with a sentence,
// not with a stack trace at the first request.
try {
  const config = env();
  if (config.MAIL_DISPATCHER === "in-app") {
    const { startMailRuntime, stopMailRuntime } = await import("./mail/start");
    startMailRuntime();
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        void stopMailRuntime().finally(() => process.exit(0));
      });
    }
  } else {
    const { configureAddressDns } = await import("./mail/start");
    configureAddressDns();
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
