import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { signIn, withDb } from "./support";

test("an operator sees a parked SES event with its error, tries it again, and the applier applies it @phone", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const recipient = `parked.${randomUUID().slice(0, 8)}@example.com`;
  // What the applier leaves after the last failed attempt (the failure itself is the database tests').
  await withDb(
    (sql) => sql`
      insert into ses_events (sns_message_id, topic_arn, event_type, ses_message_id, recipients,
                              bounce_type, payload, event_key, apply_attempts, apply_error, parked_at)
      values (${randomUUID()}, 'arn:aws:sns:us-east-1:123456789012:sendwell', 'Bounce',
              ${`ses-${randomUUID()}`}, ${[recipient]}, 'Permanent', '{}'::jsonb,
              ${`sns:${randomUUID()}`}, 5, 'deadlock detected (set by the test)', now())`,
  );
  await signIn(page, "/login", "operator");
  await page.goto("/ops");
  const parked = page.getByTestId("parked-events").getByRole("row", { name: recipient });
  await expect(parked).toContainText("deadlock detected (set by the test)");
  await expect(parked).toContainText("5 attempts");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(1);

  await parked.getByRole("button", { name: "Try again" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Try again" }).click();
  await expect(page.getByText("The event is due again: the applier tries it now.")).toBeVisible();
  // The app's own applier was woken and applied it: it is no longer parked or waiting.
  await expect
    .poll(
      () =>
        withDb(async (sql) => {
          const [row] = await sql<{ applied: boolean; parked: boolean }[]>`
            select applied_at is not null as applied, parked_at is not null as parked
              from ses_events where ${recipient} = any(recipients)`;
          return row;
        }),
      { timeout: 5_000 },
    )
    .toEqual({ applied: true, parked: false });
  await page.reload();
  await expect(page.getByTestId("parked-events").getByRole("row", { name: recipient })).toHaveCount(
    0,
  );
});
