import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import type { SnsSubscription } from "@/db/schema";

export type FeedbackWarning = { topicArn: string; at: Date };

/** Topics whose last subscription message was an unsubscribe: SES feedback no longer arrives from them. */
export async function unsubscribedTopics(): Promise<FeedbackWarning[]> {
  // A raw query's timestamps arrive as text (drizzle turns the driver's date parsing off).
  const rows = await db.execute<
    Pick<SnsSubscription, "topicArn" | "type"> & { receivedAt: string }
  >(sql`
    select distinct on (topic_arn) topic_arn as "topicArn", type, received_at as "receivedAt"
      from sns_subscriptions
     order by topic_arn, received_at desc, id desc`);
  return [...rows]
    .filter((r) => r.type === "UnsubscribeConfirmation")
    .map((r) => ({ topicArn: r.topicArn, at: new Date(r.receivedAt) }));
}
