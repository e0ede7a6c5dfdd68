import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { attemptLogin } from "@/lib/auth/login";
import { DEMO_PASSWORD, seedDemo } from "./seed";

describe("seedDemo", () => {
  it("creates an operator and two tenants once, and nothing the second time", async () => {
    const url = process.env.DATABASE_URL!;
    expect(await seedDemo(url)).toEqual({ created: true });
    expect(await seedDemo(url)).toEqual({ created: false });

    const [tenantCount] = await db.select({ n: count() }).from(tenants);
    expect(tenantCount!.n).toBe(2);
    const perTenant = await db
      .select({ slug: tenants.slug, role: users.role, email: users.email })
      .from(users)
      .innerJoin(tenants, eq(tenants.id, users.tenantId));
    for (const slug of ["sakura", "northwind"]) {
      const members = perTenant.filter((m) => m.slug === slug);
      expect(members.filter((m) => m.role === "admin")).toHaveLength(1);
      expect(members.filter((m) => m.role === "learner").length).toBeGreaterThanOrEqual(4);
      expect(members.some((m) => m.email === null)).toBe(true);
    }
  });

  it("makes logins that work with the printed password", async () => {
    await seedDemo(process.env.DATABASE_URL!);
    const outcome = await attemptLogin({
      scope: { kind: "operator" },
      loginId: "operator",
      password: DEMO_PASSWORD,
      ip: "127.0.0.9",
    });
    expect(outcome.ok).toBe(true);
  });
});
