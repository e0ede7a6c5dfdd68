/**
 * What `npm run ses:setup` sets up, and the steps from what exists to that: pure, so the plan is
 * tested without AWS. The chain: both lanes' SES configuration sets publish their events to one
 * SNS topic, whose HTTPS subscription posts them to the webhook, retried as long as SNS allows.
 */

/** SES's event types the feedback uses (SESv2 `EventType`): every outcome of a send. */
export const EVENT_TYPES = [
  "SEND",
  "DELIVERY",
  "BOUNCE",
  "COMPLAINT",
  "REJECT",
  "DELIVERY_DELAY",
  "RENDERING_FAILURE",
] as const;

/**
 * The subscription's retry policy. SNS retries an HTTP/S endpoint 3 times, 20 s apart, by default,
 * then drops the message; a custom policy may retry for at most 3,600 s in total (SNS developer
 * guide, "Amazon SNS message delivery retries"). This one spends that hour: quick retries for a
 * blip (3 at 20 s), then backing off linearly to 2 minutes, then every 2 minutes. The webhook
 * stores an event in one statement, so only an outage longer than the hour loses feedback.
 */
export const DELIVERY_POLICY = {
  healthyRetryPolicy: {
    numRetries: 35,
    numNoDelayRetries: 0,
    numMinDelayRetries: 3,
    minDelayTarget: 20,
    maxDelayTarget: 120,
    numMaxDelayRetries: 24,
    backoffFunction: "linear",
  },
} as const;

export type RetryPolicy = Record<
  | "numRetries"
  | "numNoDelayRetries"
  | "numMinDelayRetries"
  | "minDelayTarget"
  | "maxDelayTarget"
  | "numMaxDelayRetries",
  number
>;

/** About how long SNS keeps retrying under a policy (linear backoff between the two delays). */
export function retrySeconds(p: RetryPolicy): number {
  const backoff = p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries;
  let total = p.numMinDelayRetries * p.minDelayTarget + p.numMaxDelayRetries * p.maxDelayTarget;
  for (let i = 1; i <= backoff; i++) {
    total += p.minDelayTarget + ((p.maxDelayTarget - p.minDelayTarget) * i) / (backoff + 1);
  }
  return Math.round(total);
}

export type Desired = {
  region: string;
  topicName: string;
  /** The webhook's public HTTPS address: https://<host>/api/webhooks/ses. */
  endpoint: string;
  configurationSets: { transactional: string; bulk: string };
  destinationName: string;
};

/** What exists now, as read by ./aws (`inspect`). */
export type Current = {
  topicArn: string | null;
  configurationSets: Record<
    string,
    {
      exists: boolean;
      destination: { enabled: boolean; types: string[]; topicArn: string | null } | null;
    }
  >;
  subscription: { arn: string | null; pending: boolean; deliveryPolicy: unknown } | null;
};

/** The topic's ARN in a plan made before the topic exists (dry run). */
export const NEW_TOPIC = "(the new topic's ARN)";

export type Step =
  | { action: "CreateTopic"; name: string }
  | { action: "CreateConfigurationSet"; name: string }
  | {
      action: "CreateConfigurationSetEventDestination" | "UpdateConfigurationSetEventDestination";
      configurationSet: string;
      destinationName: string;
      types: readonly string[];
    }
  | { action: "Subscribe"; endpoint: string }
  | { action: "SetSubscriptionAttributes"; subscriptionArn: string };

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Whether a subscription's DeliveryPolicy (as SNS returns it, maybe with more fields) is ours. */
function samePolicy(policy: unknown): boolean {
  const retry = (policy as { healthyRetryPolicy?: Record<string, unknown> } | null)
    ?.healthyRetryPolicy;
  return (
    retry !== undefined &&
    Object.entries(DELIVERY_POLICY.healthyRetryPolicy).every(([k, v]) => retry[k] === v)
  );
}

/** The steps from `current` to `desired`, in order; none when everything is in place. */
export function planSetup(desired: Desired, current: Current): Step[] {
  const steps: Step[] = [];
  if (!current.topicArn) steps.push({ action: "CreateTopic", name: desired.topicName });
  const topicArn = current.topicArn ?? NEW_TOPIC;
  for (const name of new Set(Object.values(desired.configurationSets))) {
    const set = current.configurationSets[name];
    if (!set?.exists) steps.push({ action: "CreateConfigurationSet", name });
    const destination = set?.exists ? set.destination : null;
    const wanted = {
      configurationSet: name,
      destinationName: desired.destinationName,
      types: EVENT_TYPES,
    };
    if (!destination) {
      steps.push({ action: "CreateConfigurationSetEventDestination", ...wanted });
    } else if (
      !destination.enabled ||
      destination.topicArn !== topicArn ||
      !sameSet(destination.types, EVENT_TYPES)
    ) {
      steps.push({ action: "UpdateConfigurationSetEventDestination", ...wanted });
    }
  }
  const sub = current.topicArn ? current.subscription : null;
  if (!sub) steps.push({ action: "Subscribe", endpoint: desired.endpoint });
  else if (sub.arn && !sub.pending && !samePolicy(sub.deliveryPolicy)) {
    steps.push({ action: "SetSubscriptionAttributes", subscriptionArn: sub.arn });
  }
  return steps;
}

/** A step in words, for the dry run and the log. */
export function describeStep(step: Step, desired: Desired, topicArn: string | null): string {
  const topic = topicArn ?? NEW_TOPIC;
  switch (step.action) {
    case "CreateTopic":
      return `SNS CreateTopic ${step.name} in ${desired.region}`;
    case "CreateConfigurationSet":
      return `SES CreateConfigurationSet ${step.name}`;
    case "CreateConfigurationSetEventDestination":
    case "UpdateConfigurationSetEventDestination":
      return `SES ${step.action} ${step.destinationName} on ${step.configurationSet}: ${step.types.join(", ")} -> SNS ${topic}`;
    case "Subscribe":
      return `SNS Subscribe ${step.endpoint} (https) to ${topic}, delivery policy retrying for about ${retrySeconds(DELIVERY_POLICY.healthyRetryPolicy)} s`;
    case "SetSubscriptionAttributes":
      return `SNS SetSubscriptionAttributes DeliveryPolicy on ${step.subscriptionArn} (retrying for about ${retrySeconds(DELIVERY_POLICY.healthyRetryPolicy)} s)`;
  }
}

/** The app's settings for this chain, to put in its environment. */
export function settingsFor(desired: Desired, topicArn: string | null): string[] {
  return [
    `SNS_TOPIC_ARNS=${topicArn ?? NEW_TOPIC}`,
    `SES_CONFIGURATION_SET_TRANSACTIONAL=${desired.configurationSets.transactional}`,
    `SES_CONFIGURATION_SET_BULK=${desired.configurationSets.bulk}`,
    `AWS_REGION=${desired.region}`,
  ];
}
