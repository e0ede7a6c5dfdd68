import { ConfigError, env } from "./env";

// Runs once when the Node.js server starts: a bad configuration stops it with a sentence,
// not with a stack trace at the first request.
try {
  env();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
