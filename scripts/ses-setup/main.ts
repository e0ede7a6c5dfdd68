/**
 * `npm run ses:setup -- --webhook https://<host>/api/webhooks/ses [--apply]`: creates or checks
 * SES's configuration sets for both lanes with their event destinations to one SNS topic, and the
 * webhook's HTTPS subscription with a delivery policy at SNS's longest retry time. Dry run unless
 * `--apply`; credentials and region as the AWS SDK finds them (or `--region`). Prints the settings.
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SNSClient } from "@aws-sdk/client-sns";
import { runSetup } from "./run";

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

async function main(): Promise<number> {
  const webhook = option("webhook");
  if (!webhook || !/^https:\/\/[^/]+\/api\/webhooks\/ses$/.test(webhook)) {
    console.error(
      "Give the webhook's public address: --webhook https://<your host>/api/webhooks/ses (SNS must reach it over HTTPS).",
    );
    return 2;
  }
  const regionArg = option("region");
  const ses = new SESv2Client(regionArg ? { region: regionArg } : {});
  const sns = new SNSClient(regionArg ? { region: regionArg } : {});
  const region = await ses.config.region();
  const result = await runSetup(
    { ses, sns },
    {
      region,
      topicName: option("topic", "sendwell-ses-feedback")!,
      endpoint: webhook,
      configurationSets: {
        transactional: option("transactional", "sendwell-transactional")!,
        bulk: option("bulk", "sendwell-bulk")!,
      },
      destinationName: option("destination", "sendwell-feedback")!,
    },
    { apply: args.includes("--apply"), log: (line) => console.log(line) },
  );
  return result.remaining === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ses:setup stopped: ${(error as Error).message}`);
    process.exit(1);
  },
);
