import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { tenants } from "@/db/schema";
import { makeTenant, makeUser } from "@/test/factories";

async function violation(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { constraint_name?: string } }).cause;
    return cause?.constraint_name ?? (error as Error).message;
  }
  return "no error";
}

describe("schema constraints", () => {
  it("keeps login IDs unique per tenant, case-insensitively", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    await makeUser({ tenantId: a.id, loginId: "Same.Person" });
    expect(await violation(makeUser({ tenantId: a.id, loginId: "same.person" }))).toBe(
      "users_tenant_login_id_key",
    );
    await expect(makeUser({ tenantId: b.id, loginId: "same.person" })).resolves.toBeDefined();
  });

  it("keeps operators' login IDs unique too, though they have no tenant", async () => {
    await makeUser({ role: "operator", tenantId: null, loginId: "ops.person" });
    expect(
      await violation(makeUser({ role: "operator", tenantId: null, loginId: "OPS.person" })),
    ).toBe("users_tenant_login_id_key");
  });

  it("refuses login IDs outside 5 to 30 characters", async () => {
    const t = await makeTenant();
    expect(await violation(makeUser({ tenantId: t.id, loginId: "abcd" }))).toBe(
      "users_login_id_length",
    );
    expect(await violation(makeUser({ tenantId: t.id, loginId: "x".repeat(31) }))).toBe(
      "users_login_id_length",
    );
  });

  it("ties the operator role to having no tenant", async () => {
    const t = await makeTenant();
    expect(await violation(makeUser({ role: "operator", tenantId: t.id }))).toBe(
      "users_operator_has_no_tenant",
    );
    expect(await violation(makeUser({ role: "learner", tenantId: null }))).toBe(
      "users_operator_has_no_tenant",
    );
  });

  it("refuses malformed tenant slugs", async () => {
    expect(await violation(db.insert(tenants).values({ slug: "Bad Slug", name: "x" }))).toBe(
      "tenants_slug_format",
    );
  });
});
