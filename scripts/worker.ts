/** `npm run worker`: the mail dispatcher on its own (run any number; they share the queue safely). */
import { closeDb } from "@/db/client";
import { ConfigError, env } from "@/lib/env";
import { startMailRuntime, stopMailRuntime } from "@/lib/mail/start";

try {
  env();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
startMailRuntime();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    console.log("[mail] stopping after the batch in hand…");
    await stopMailRuntime();
    await closeDb();
    process.exit(0);
  });
}
