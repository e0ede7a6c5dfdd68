import { applyStep, inspect, type Clients } from "./aws";
import { describeStep, planSetup, settingsFor, type Desired } from "./plan";

/**
 * Reads what exists, prints the plan, and (with `apply`) carries it out, then reads again to check
 * nothing is left to do. Without `apply` it only reads. Returns the steps it planned.
 */
export async function runSetup(
  clients: Clients,
  desired: Desired,
  options: { apply: boolean; log: (line: string) => void },
): Promise<{ planned: number; remaining: number }> {
  const { log } = options;
  const current = await inspect(clients, desired);
  const steps = planSetup(desired, current);
  log(
    steps.length
      ? `${options.apply ? "Doing" : "Would do (dry run; --apply to do it)"}:`
      : "Everything is in place: nothing to do.",
  );
  let topicArn = current.topicArn;
  for (const step of steps) {
    log(`  - ${describeStep(step, desired, topicArn)}`);
    if (options.apply) topicArn = await applyStep(clients, step, topicArn);
  }
  let remaining = 0;
  if (options.apply && steps.length) {
    const after = planSetup(desired, await inspect(clients, desired));
    remaining = after.length;
    for (const step of after) log(`  still to do: ${describeStep(step, desired, topicArn)}`);
  }
  if (current.subscription?.pending || steps.some((s) => s.action === "Subscribe")) {
    log(
      "The subscription waits for the webhook to confirm it: deploy the app with the settings below first (it confirms topics listed in SNS_TOPIC_ARNS), then run this again to check.",
    );
  }
  log("Settings for the app:");
  for (const line of settingsFor(desired, topicArn)) log(`  ${line}`);
  return { planned: steps.length, remaining };
}
