import { describe, expect, it } from "vitest";
import type { Clients } from "./aws";
import {
  DELIVERY_POLICY,
  EVENT_TYPES,
  NEW_TOPIC,
  planSetup,
  retrySeconds,
  type Desired,
} from "./plan";
import { runSetup } from "./run";

const desired: Desired = {
  region: "eu-west-1",
  topicName: "sendwell-ses-feedback",
  endpoint: "https://app.example.com/api/webhooks/ses",
  configurationSets: { transactional: "sendwell-transactional", bulk: "sendwell-bulk" },
  destinationName: "sendwell-feedback",
};

type Destination = {
  Name: string;
  Enabled: boolean;
  MatchingEventTypes: string[];
  SnsDestination: { TopicArn: string };
};
type Subscription = {
  arn: string;
  topicArn: string;
  endpoint: string;
  confirmed: boolean;
  policy: string | undefined;
};

/** SES and SNS as far as the setup uses them, in memory; every call is recorded. */
class FakeAws {
  readonly calls: string[] = [];
  readonly topics = new Map<string, string>();
  readonly sets = new Map<string, Map<string, Destination>>();
  readonly subscriptions: Subscription[] = [];

  readonly clients: Clients = {
    ses: { send: (command: object) => this.handle(command) },
    sns: { send: (command: object) => this.handle(command) },
  };

  get writes() {
    return this.calls.filter((c) => !/^(Get|List)/.test(c));
  }

  confirmAll() {
    for (const s of this.subscriptions) s.confirmed = true;
  }

  private async handle(command: object): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, "");
    const input = (command as { input: Record<string, unknown> }).input;
    this.calls.push(name);
    const set = () => {
      const found = this.sets.get(String(input.ConfigurationSetName));
      if (!found) throw Object.assign(new Error("not found"), { name: "NotFoundException" });
      return found;
    };
    switch (name) {
      case "ListTopics":
        return { Topics: [...this.topics.values()].map((TopicArn) => ({ TopicArn })) };
      case "CreateTopic": {
        const arn = `arn:aws:sns:eu-west-1:123456789012:${String(input.Name)}`;
        this.topics.set(String(input.Name), arn);
        return { TopicArn: arn };
      }
      case "GetConfigurationSet":
        set();
        return {};
      case "CreateConfigurationSet":
        this.sets.set(String(input.ConfigurationSetName), new Map());
        return {};
      case "GetConfigurationSetEventDestinations":
        return { EventDestinations: [...set().values()] };
      case "CreateConfigurationSetEventDestination":
      case "UpdateConfigurationSetEventDestination": {
        const d = input.EventDestination as Omit<Destination, "Name">;
        set().set(String(input.EventDestinationName), {
          ...d,
          Name: String(input.EventDestinationName),
        });
        return {};
      }
      case "ListSubscriptionsByTopic":
        return {
          Subscriptions: this.subscriptions
            .filter((s) => s.topicArn === input.TopicArn)
            .map((s) => ({
              SubscriptionArn: s.confirmed ? s.arn : "PendingConfirmation",
              Protocol: "https",
              Endpoint: s.endpoint,
            })),
        };
      case "Subscribe":
        this.subscriptions.push({
          arn: `${String(input.TopicArn)}:${this.subscriptions.length + 1}`,
          topicArn: String(input.TopicArn),
          endpoint: String(input.Endpoint),
          confirmed: false,
          policy: (input.Attributes as Record<string, string>).DeliveryPolicy,
        });
        return {};
      case "GetSubscriptionAttributes": {
        const s = this.subscriptions.find((x) => x.arn === input.SubscriptionArn)!;
        // SNS adds its own fields to what was set.
        const policy = s.policy ? JSON.parse(s.policy) : undefined;
        return {
          Attributes: policy
            ? { DeliveryPolicy: JSON.stringify({ ...policy, guaranteed: false }) }
            : {},
        };
      }
      case "SetSubscriptionAttributes":
        this.subscriptions.find((x) => x.arn === input.SubscriptionArn)!.policy = String(
          input.AttributeValue,
        );
        return {};
      default:
        throw new Error(`the setup called ${name}, which it should not`);
    }
  }
}

const run = (aws: FakeAws, apply: boolean) => {
  const lines: string[] = [];
  return runSetup(aws.clients, desired, { apply, log: (l) => lines.push(l) }).then((r) => ({
    ...r,
    lines,
  }));
};

describe("npm run ses:setup", () => {
  it("only reads and prints the plan without --apply", async () => {
    const aws = new FakeAws();
    const { planned, lines } = await run(aws, false);
    expect(aws.writes).toEqual([]);
    expect(planned).toBe(6);
    expect(lines[0]).toBe("Would do (dry run; --apply to do it):");
    expect(lines.filter((l) => l.startsWith("  - ")).map((l) => l.split(" ")[4])).toEqual([
      "CreateTopic",
      "CreateConfigurationSet",
      "CreateConfigurationSetEventDestination",
      "CreateConfigurationSet",
      "CreateConfigurationSetEventDestination",
      "Subscribe",
    ]);
    expect(lines).toContain(`  SNS_TOPIC_ARNS=${NEW_TOPIC}`);
    expect(lines).toContain("  SES_CONFIGURATION_SET_BULK=sendwell-bulk");
  });

  it("with --apply creates the chain, then finds nothing left once the webhook confirmed", async () => {
    const aws = new FakeAws();
    const first = await run(aws, true);
    expect(first).toMatchObject({ planned: 6, remaining: 0 });
    const topicArn = aws.topics.get("sendwell-ses-feedback")!;
    for (const name of ["sendwell-transactional", "sendwell-bulk"]) {
      expect(aws.sets.get(name)!.get("sendwell-feedback")).toEqual({
        Name: "sendwell-feedback",
        Enabled: true,
        MatchingEventTypes: [...EVENT_TYPES],
        SnsDestination: { TopicArn: topicArn },
      });
    }
    expect(aws.subscriptions).toEqual([
      expect.objectContaining({
        topicArn,
        endpoint: desired.endpoint,
        policy: JSON.stringify(DELIVERY_POLICY),
      }),
    ]);
    expect(first.lines.some((l) => l.includes("waits for the webhook to confirm"))).toBe(true);
    expect(first.lines).toContain(`  SNS_TOPIC_ARNS=${topicArn}`);

    aws.confirmAll();
    const writes = aws.writes.length;
    const again = await run(aws, true);
    expect(again.planned).toBe(0);
    expect(again.lines[0]).toBe("Everything is in place: nothing to do.");
    expect(aws.writes.length).toBe(writes);
  });

  it("puts right what drifted: a disabled destination, a missing event type, another delivery policy", async () => {
    const aws = new FakeAws();
    await run(aws, true);
    aws.confirmAll();
    const bulk = aws.sets.get("sendwell-bulk")!.get("sendwell-feedback")!;
    bulk.Enabled = false;
    const transactional = aws.sets.get("sendwell-transactional")!.get("sendwell-feedback")!;
    transactional.MatchingEventTypes = ["BOUNCE", "COMPLAINT"];
    aws.subscriptions[0]!.policy = JSON.stringify({ healthyRetryPolicy: { numRetries: 3 } });
    const before = aws.writes.length;
    const fixed = await run(aws, true);
    expect(aws.writes.slice(before)).toEqual([
      "UpdateConfigurationSetEventDestination",
      "UpdateConfigurationSetEventDestination",
      "SetSubscriptionAttributes",
    ]);
    expect(fixed.remaining).toBe(0);
    expect(aws.sets.get("sendwell-bulk")!.get("sendwell-feedback")!.Enabled).toBe(true);
  });

  it("creates one configuration set when both lanes share it", async () => {
    const aws = new FakeAws();
    const shared = { ...desired, configurationSets: { transactional: "one", bulk: "one" } };
    await runSetup(aws.clients, shared, { apply: true, log: () => {} });
    expect(aws.writes.filter((w) => w === "CreateConfigurationSet")).toHaveLength(1);
  });
});

describe("the delivery policy", () => {
  it("retries for about the hour SNS allows at most (3,600 s), where the default gives up after a minute", () => {
    const seconds = retrySeconds(DELIVERY_POLICY.healthyRetryPolicy);
    expect(seconds).toBeLessThanOrEqual(3_600);
    expect(seconds).toBeGreaterThanOrEqual(3_300);
    // SNS's default for HTTP/S: 3 retries, 20 s apart.
    const snsDefault = {
      ...DELIVERY_POLICY.healthyRetryPolicy,
      numRetries: 3,
      numMinDelayRetries: 0,
      numMaxDelayRetries: 0,
      minDelayTarget: 20,
      maxDelayTarget: 20,
    };
    expect(retrySeconds(snsDefault)).toBe(60);
  });

  it("is not set on a subscription still waiting for its confirmation", () => {
    const steps = planSetup(desired, {
      topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
      configurationSets: {},
      subscription: { arn: null, pending: true, deliveryPolicy: null },
    });
    expect(steps.map((s) => s.action)).not.toContain("SetSubscriptionAttributes");
    expect(steps.map((s) => s.action)).not.toContain("Subscribe");
  });
});
