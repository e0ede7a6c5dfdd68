import { describe, expect, it } from "vitest";
import { makeTenant, makeUser } from "@/test/factories";
import { findTenantBySlug, listTenantsWithCounts, memberCounts } from "./tenants";

describe("tenants", () => {
  it("finds a tenant by slug and ignores garbage without querying", async () => {
    const tenant = await makeTenant("Findable");
    expect(await findTenantBySlug(tenant.slug)).toEqual({
      id: tenant.id,
      slug: tenant.slug,
      name: "Findable",
    });
    expect(await findTenantBySlug("no-such-tenant")).toBeNull();
    expect(await findTenantBySlug("'; drop table tenants; --")).toBeNull();
    expect(await findTenantBySlug("x".repeat(1000))).toBeNull();
  });

  it("counts one tenant's members by status, and only that tenant's", async () => {
    const a = await makeTenant("A");
    const b = await makeTenant("B");
    await makeUser({ tenantId: a.id, role: "admin" });
    await makeUser({ tenantId: a.id });
    await makeUser({ tenantId: a.id, status: "invited", passwordHash: null });
    await makeUser({ tenantId: a.id, status: "disabled" });
    await makeUser({ tenantId: b.id });
    await makeUser({ role: "operator", tenantId: null });
    expect(await memberCounts(a.id)).toEqual({ active: 2, invited: 1, disabled: 1, total: 4 });
    expect(await memberCounts(b.id)).toEqual({ active: 1, invited: 0, disabled: 0, total: 1 });
  });

  it("lists every tenant with counts for operators, empty tenants included", async () => {
    const empty = await makeTenant("Empty Org");
    const busy = await makeTenant("Busy Org");
    await makeUser({ tenantId: busy.id, role: "admin" });
    await makeUser({ tenantId: busy.id, status: "invited", passwordHash: null });
    const list = await listTenantsWithCounts();
    expect(list.find((t) => t.id === empty.id)).toMatchObject({
      members: { total: 0, active: 0, invited: 0, disabled: 0 },
      admins: 0,
    });
    expect(list.find((t) => t.id === busy.id)).toMatchObject({
      members: { total: 2, active: 1, invited: 1, disabled: 0 },
      admins: 1,
    });
  });
});
