import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { db } from "@/db/client";
import { outboundEmails, users } from "@/db/schema";
import { enqueue } from "@/lib/mail/outbox";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { deleteMembers, disableMembers, enableMembers } from "./selection";
import { resendInvitations } from "./resend";
import { listMembers } from "./list";
import { parseMemberQuery } from "./list-query";

// Resends and resets check the stored address, DNS included: offline, example.com exists.
beforeAll(() => {
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver() }));
});

async function school() {
  const tenant = await makeTenant("List School");
  const ctx = await adminContext(tenant);
  const members = [];
  for (let i = 0; i < 30; i++) {
    members.push(
      await makeUser({
        tenantId: tenant.id,
        loginId: `learner${String(i).padStart(2, "0")}.${tenant.slug.slice(2)}`,
        name: i % 2 ? `Odd ${i}` : `Even ${i}`,
        email: i % 3 ? `l${i}@example.com` : null,
        emailStatus: i % 3 ? (i % 5 === 0 ? "bounced" : "unchecked") : "none",
        status: i < 5 ? "invited" : "active",
        ...(i < 5 ? { passwordHash: null } : {}),
        lastLoginAt: i % 4 === 0 ? null : new Date(Date.now() - i * 60_000),
      }),
    );
  }
  return { tenant, ctx, members };
}

describe("listMembers", () => {
  it("pages, sorts, filters and searches in the database, within the tenant", async () => {
    const { tenant } = await school();
    const other = await makeTenant();
    await makeUser({ tenantId: other.id, loginId: "learner00.other", name: "Even Other" });

    const first = await listMembers(tenant.id, parseMemberQuery({ size: "25" }));
    expect(first.total).toBe(31);
    expect(first.rows).toHaveLength(25);
    const second = await listMembers(tenant.id, parseMemberQuery({ page: "2" }));
    expect(second.rows).toHaveLength(6);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(31);

    const desc = await listMembers(tenant.id, parseMemberQuery({ sort: "loginId", dir: "desc" }));
    expect(desc.rows[0]!.loginId.startsWith("learner29")).toBe(true);

    const invited = await listMembers(tenant.id, parseMemberQuery({ status: "invited" }));
    expect(invited.total).toBe(5);
    const bounced = await listMembers(tenant.id, parseMemberQuery({ email: "bounced" }));
    expect(bounced.rows.every((r) => r.emailStatus === "bounced")).toBe(true);
    const never = await listMembers(tenant.id, parseMemberQuery({ never: "1" }));
    expect(never.rows.every((r) => r.lastLoginAt === null)).toBe(true);

    const search = await listMembers(tenant.id, parseMemberQuery({ q: "odd 1" }));
    expect(search.rows.map((r) => r.name).sort()).toEqual([
      "Odd 1",
      "Odd 11",
      "Odd 13",
      "Odd 15",
      "Odd 17",
      "Odd 19",
    ]);
    expect((await listMembers(tenant.id, parseMemberQuery({ q: "Other" }))).total).toBe(0);
    expect((await listMembers(tenant.id, parseMemberQuery({ q: "%" }))).total).toBe(0); // a literal %, not a wildcard
  });

  it("searches each field on its own, in any case, short terms too, and follows edits", async () => {
    const tenant = await makeTenant();
    const member = await makeUser({
      tenantId: tenant.id,
      loginId: "Tanaka.Hanako",
      name: "田中 花子",
      email: "Hanako@Example.JP",
    });
    const total = async (q: string) =>
      (await listMembers(tenant.id, parseMemberQuery({ q }))).total;
    expect(await total("TANAKA")).toBe(1);
    expect(await total("田中")).toBe(1); // no trigram: the other index
    expect(await total("中 花")).toBe(1);
    expect(await total("花田")).toBe(0); // the same characters, not in this order
    expect(await total("example.jp")).toBe(1);
    expect(await total("a.h")).toBe(1);
    // Login ID, name and address are searched one by one: a term across two of them finds nothing.
    expect(await total("hanako 田中")).toBe(0);
    await db.update(users).set({ name: "山田 花子", email: null }).where(eq(users.id, member.id));
    expect(await total("田中")).toBe(0);
    expect(await total("山田")).toBe(1);
    expect(await total("example")).toBe(0);
  });

  it("falls back to defaults for hand-edited parameters", () => {
    expect(
      parseMemberQuery({
        page: "-3",
        size: "7",
        sort: "password_hash",
        dir: "sideways",
        status: "x",
        email: ["ok", "none"],
      }),
    ).toEqual({
      page: 1,
      size: 25,
      sort: undefined,
      dir: "asc",
      status: undefined,
      email: "ok",
      never: false,
      q: "",
    });
  });
});

describe("bulk actions", () => {
  it("disable ends sessions, enable restores, and another tenant's ids match nothing", async () => {
    const { ctx, members } = await school();
    const stranger = (await school()).members[10]!;
    const target = members[10]!;
    expect(await disableMembers(ctx, [target.id, stranger.id])).toBe(1);
    const [after] = await db.select().from(users).where(eq(users.id, target.id));
    expect(after).toMatchObject({ status: "disabled", sessionVersion: target.sessionVersion + 1 });
    const [untouched] = await db.select().from(users).where(eq(users.id, stranger.id));
    expect(untouched!.status).toBe("active");
    expect(await enableMembers(ctx, [target.id])).toBe(1);
    expect((await db.select().from(users).where(eq(users.id, target.id)))[0]!.status).toBe(
      "active",
    );
    await expect(disableMembers(ctx, [ctx.actor.userId])).rejects.toThrow(/Your own account/);
  });

  it("delete cancels pending mail and keeps sent mail on record", async () => {
    const { ctx, members } = await school();
    const target = members[7]!;
    const queued = await db.transaction((tx) =>
      enqueue(tx, {
        tenantId: ctx.tenant.id,
        memberId: target.id,
        category: "announcement",
        to: "l7@example.com",
        params: { subject: "S", body: "B" },
      }),
    );
    expect(await deleteMembers(ctx, [target.id])).toBe(1);
    const [mail] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, queued.id));
    expect(mail).toMatchObject({ status: "cancelled", reason: "member_deleted", memberId: null });
    expect(await db.select().from(users).where(eq(users.id, target.id))).toHaveLength(0);
  });

  it("resends invitations only to members who have not started and have an address", async () => {
    const { ctx, members } = await school();
    // 0-4 are invited; of those, 1, 2 and 4 have an address.
    const result = await resendInvitations(
      ctx,
      members.slice(0, 8).map((m) => m.id),
    );
    expect(result.filter((o) => o.kind === "sent")).toHaveLength(3);
    expect(result.filter((o) => o.kind === "skipped")).toHaveLength(5);
  });
});

describe("the member search at the input boundary", () => {
  it("takes a NUL byte or another control character in the search without a database error", async () => {
    const { tenant } = await school();
    for (const q of ["\u0000", "Odd\u0000 1", "\u0007\u001b[0mEven", "%00"]) {
      const result = await listMembers(tenant.id, parseMemberQuery({ q }));
      expect(result.total, JSON.stringify(q)).toBeGreaterThanOrEqual(0);
    }
    const cleaned = await listMembers(tenant.id, parseMemberQuery({ q: "Odd\u0000 1" }));
    const plain = await listMembers(tenant.id, parseMemberQuery({ q: "Odd 1" }));
    expect(cleaned.total).toBe(plain.total);
  });
});

describe("a page past the end", () => {
  it("shows the last page, and says which it is", async () => {
    const { tenant } = await school();
    const result = await listMembers(tenant.id, parseMemberQuery({ page: "999", size: "25" }));
    expect(result.page).toBe(2);
    expect(result.rows).toHaveLength(6);
  });
});
