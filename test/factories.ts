import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/db/client";
import { tenants, users, type NewUser } from "@/db/schema";
import type { TenantActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";

export async function makeTenant(name = "Test Tenant") {
  const slug = `t-${randomBytes(4).toString("hex")}`;
  const [row] = await db.insert(tenants).values({ slug, name }).returning();
  return row!;
}

let cachedHash: { password: string; hash: string } | undefined;

export async function makeUser(
  fields: Partial<NewUser> & { password?: string } = {},
): Promise<typeof users.$inferSelect & { password: string }> {
  const password = fields.password ?? "correct horse battery";
  if (cachedHash?.password !== password)
    cachedHash = { password, hash: await hashPassword(password) };
  const { password: _omit, ...rest } = fields;
  void _omit;
  const [row] = await db
    .insert(users)
    .values({
      role: "learner",
      loginId: `user.${randomBytes(4).toString("hex")}`,
      name: "Test User",
      status: "active",
      passwordHash: cachedHash.hash,
      ...rest,
    })
    .returning();
  return { ...row!, password };
}

/** What `requireAdmin` returns for a new admin of `tenant`, to call lib functions directly. */
export async function adminContext(tenant: typeof tenants.$inferSelect): Promise<TenantActor> {
  const admin = await makeUser({
    tenantId: tenant.id,
    role: "admin",
    loginId: `admin.${randomBytes(4).toString("hex")}`,
  });
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    actor: {
      userId: admin.id,
      sessionId: randomUUID(),
      role: "admin",
      tenantId: tenant.id,
      loginId: admin.loginId,
      name: admin.name,
      mustChangePassword: false,
    },
  };
}
