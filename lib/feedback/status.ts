import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db/client";

export type FeedbackWarning = { topicArn: string; at: Date };

/** Topics whose last subscription message was an unsubscribe: SES feedback no longer arrives from them. */
export async function unsubscribedTopics(): Promise<FeedbackWarning[]> {
  const rows = await db.execute<{ topic_arn: string; type: string; received_at: string }>(sql`
    select distinct on (topic_arn) topic_arn, type, received_at
      from sns_subscriptions
     order by topic_arn, received_at desc, id desc`);
  return [...rows]
    .filter((r) => r.type === "UnsubscribeConfirmation")
    .map((r) => ({ topicArn: r.topic_arn, at: new Date(r.received_at) }));
}
