import { existsSync, readFileSync } from "node:fs";
import { E2E_LOG_SECRETS, E2E_SERVER_LOG } from "../scripts/lib/e2e-log";
import { scanLog } from "../test/log-scan";

/**
 * After every browser-test run: the app's captured output holds no secret, token, password or list
 * of addresses (issue 15, item 5). Throwing here fails the run.
 */
export default function globalTeardown() {
  if (!existsSync(E2E_SERVER_LOG)) {
    throw new Error(
      `${E2E_SERVER_LOG} is missing: scripts/serve.ts e2e did not capture the app's log.`,
    );
  }
  const log = readFileSync(E2E_SERVER_LOG, "utf8");
  const secrets = existsSync(E2E_LOG_SECRETS)
    ? (JSON.parse(readFileSync(E2E_LOG_SECRETS, "utf8")) as string[])
    : [];
  const findings = scanLog(log, secrets);
  console.log(
    `[log scan] ${log.split("\n").length} lines of server log checked, ${findings.length} finding(s).`,
  );
  if (findings.length > 0) {
    throw new Error(
      `The server log of this run contains what must never be logged:\n` +
        findings.map((f) => `  ${E2E_SERVER_LOG}:${f.line}: ${f.what}`).join("\n"),
    );
  }
}
