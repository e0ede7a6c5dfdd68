import { and, eq } from "drizzle-orm";
import { db } from "@/db/client";
import { users } from "@/db/schema";

/** A member's own address, looked up by id and tenant. */
export async function adminEmail(tenantId: string, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)));
  return row?.email ?? null;
}
