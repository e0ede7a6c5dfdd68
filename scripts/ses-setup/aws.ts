/** Reads what exists in SES and SNS (`inspect`, read-only calls) and carries out a plan (`apply`). */
import {
  SESv2Client,
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  UpdateConfigurationSetEventDestinationCommand,
  type EventType,
} from "@aws-sdk/client-sesv2";
import {
  SNSClient,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { DELIVERY_POLICY, type Current, type Desired, type Step } from "./plan";

/** Only `send` is used: the SDK's clients, or fakes of them in the tests. */
type Sender = { send: (command: object) => Promise<unknown> };
export type Clients = { ses: SESv2Client | Sender; sns: SNSClient | Sender };

type Json = Record<string, unknown>;
const send = async <T>(client: SESv2Client | SNSClient | Sender, command: object) =>
  (await (client as Sender).send(command)) as T;

const notFound = (error: unknown) => (error as { name?: string }).name === "NotFoundException";

export async function findTopic(clients: Clients, name: string): Promise<string | null> {
  let NextToken: string | undefined;
  do {
    const page = await send<{ Topics?: { TopicArn?: string }[]; NextToken?: string }>(
      clients.sns,
      new ListTopicsCommand({ NextToken }),
    );
    const found = page.Topics?.find((t) => t.TopicArn?.split(":").at(-1) === name);
    if (found?.TopicArn) return found.TopicArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return null;
}

async function findSubscription(clients: Clients, topicArn: string, endpoint: string) {
  let NextToken: string | undefined;
  do {
    const page = await send<{ Subscriptions?: Json[]; NextToken?: string }>(
      clients.sns,
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }),
    );
    const found = page.Subscriptions?.find(
      (s) => s.Protocol === "https" && s.Endpoint === endpoint,
    );
    if (found) return String(found.SubscriptionArn ?? "");
    NextToken = page.NextToken;
  } while (NextToken);
  return null;
}

/** What exists now: the topic, each configuration set and its destination, the subscription. */
export async function inspect(clients: Clients, desired: Desired): Promise<Current> {
  const topicArn = await findTopic(clients, desired.topicName);
  const current: Current = { topicArn, configurationSets: {}, subscription: null };
  for (const name of new Set(Object.values(desired.configurationSets))) {
    try {
      await send(clients.ses, new GetConfigurationSetCommand({ ConfigurationSetName: name }));
    } catch (error) {
      if (!notFound(error)) throw error;
      current.configurationSets[name] = { exists: false, destination: null };
      continue;
    }
    const { EventDestinations = [] } = await send<{ EventDestinations?: Json[] }>(
      clients.ses,
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }),
    );
    const ours = EventDestinations.find((d) => d.Name === desired.destinationName);
    current.configurationSets[name] = {
      exists: true,
      destination: ours
        ? {
            enabled: ours.Enabled === true,
            types: (ours.MatchingEventTypes as string[] | undefined) ?? [],
            topicArn: ((ours.SnsDestination as Json | undefined)?.TopicArn as string) ?? null,
          }
        : null,
    };
  }
  if (topicArn) {
    const arn = await findSubscription(clients, topicArn, desired.endpoint);
    if (arn !== null) {
      // Until the webhook confirms it, SNS shows the subscription as "PendingConfirmation".
      const pending = !arn.startsWith("arn:");
      let deliveryPolicy: unknown = null;
      if (!pending) {
        const { Attributes = {} } = await send<{ Attributes?: Record<string, string> }>(
          clients.sns,
          new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }),
        );
        deliveryPolicy = Attributes.DeliveryPolicy ? JSON.parse(Attributes.DeliveryPolicy) : null;
      }
      current.subscription = { arn: pending ? null : arn, pending, deliveryPolicy };
    }
  }
  return current;
}

/** Carries out one step; returns the topic's ARN (known once it is created). */
export async function applyStep(
  clients: Clients,
  step: Step,
  topicArn: string | null,
): Promise<string | null> {
  const needTopic = () => {
    if (!topicArn) throw new Error("The SNS topic must exist before this step.");
    return topicArn;
  };
  switch (step.action) {
    case "CreateTopic": {
      const { TopicArn } = await send<{ TopicArn?: string }>(
        clients.sns,
        new CreateTopicCommand({ Name: step.name }),
      );
      return TopicArn ?? null;
    }
    case "CreateConfigurationSet":
      await send(
        clients.ses,
        new CreateConfigurationSetCommand({ ConfigurationSetName: step.name }),
      );
      return topicArn;
    case "CreateConfigurationSetEventDestination":
    case "UpdateConfigurationSetEventDestination": {
      const input = {
        ConfigurationSetName: step.configurationSet,
        EventDestinationName: step.destinationName,
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: [...step.types] as EventType[],
          SnsDestination: { TopicArn: needTopic() },
        },
      };
      await send(
        clients.ses,
        step.action === "CreateConfigurationSetEventDestination"
          ? new CreateConfigurationSetEventDestinationCommand(input)
          : new UpdateConfigurationSetEventDestinationCommand(input),
      );
      return topicArn;
    }
    case "Subscribe":
      await send(
        clients.sns,
        new SubscribeCommand({
          TopicArn: needTopic(),
          Protocol: "https",
          Endpoint: step.endpoint,
          Attributes: { DeliveryPolicy: JSON.stringify(DELIVERY_POLICY) },
        }),
      );
      return topicArn;
    case "SetSubscriptionAttributes":
      await send(
        clients.sns,
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: step.subscriptionArn,
          AttributeName: "DeliveryPolicy",
          AttributeValue: JSON.stringify(DELIVERY_POLICY),
        }),
      );
      return topicArn;
  }
}
