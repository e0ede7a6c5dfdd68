import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { makeTenant, makeUser } from "@/test/factories";
import { AUDIT_PAGE_SIZE, auditEntries, decodeCursor, encodeCursor } from "./log";

const minutesAgo = (m: number, now: Date) => new Date(now.getTime() - m * 60_000);

describe("the audit log", () => {
  it("pages a tenant's entries by keyset, newest first, each once, never another tenant's", async () => {
    const now = new Date();
    const a = await makeTenant("A");
    const b = await makeTenant("B");
    const admin = await makeUser({ tenantId: a.id, role: "admin", name: "Ann Admin" });
    // 120 entries for A, several sharing a timestamp (the id breaks the tie), and some for B.
    await db.insert(auditLog).values(
      Array.from({ length: 120 }, (_, i) => ({
        tenantId: a.id,
        actorId: admin.id,
        action: "member.created",
        subjectId: `a-${i}`,
        createdAt: minutesAgo(Math.floor(i / 3), now),
      })),
    );
    await db
      .insert(auditLog)
      .values([{ tenantId: b.id, action: "member.created", subjectId: "b-only", createdAt: now }]);

    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    do {
      const page = await auditEntries(
        { kind: "tenant", tenantId: a.id },
        { period: "24h", before },
        now,
      );
      pages += 1;
      expect(page.rows.length).toBeLessThanOrEqual(AUDIT_PAGE_SIZE);
      seen.push(...page.rows.map((r) => r.subjectId!));
      for (let i = 1; i < page.rows.length; i++) {
        const [x, y] = [page.rows[i - 1]!, page.rows[i]!];
        expect(
          x.at.getTime() > y.at.getTime() || (x.at.getTime() === y.at.getTime() && x.id > y.id),
        ).toBe(true);
      }
      before = page.next ?? undefined;
    } while (before);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(seen).not.toContain("b-only");
    expect(seen[0]).toMatch(/^a-[012]$/);

    const first = await auditEntries({ kind: "tenant", tenantId: a.id }, { period: "24h" }, now);
    expect(first.rows[0]).toMatchObject({
      what: "Added a member",
      who: `Ann Admin (${admin.loginId})`,
      tenant: "A",
    });
  });

  it("filters by action, period and, for operators, tenant; a tenant scope cannot be widened", async () => {
    const now = new Date();
    const a = await makeTenant("A");
    const b = await makeTenant("B");
    const operator = await makeUser({ role: "operator", name: "Olga" });
    await db.insert(auditLog).values([
      {
        tenantId: a.id,
        action: "mail.paused",
        subjectId: "recent",
        createdAt: minutesAgo(60, now),
      },
      {
        tenantId: a.id,
        action: "mail.paused",
        subjectId: "old",
        createdAt: minutesAgo(60 * 24 * 10, now),
      },
      {
        tenantId: a.id,
        action: "member.created",
        subjectId: "other",
        createdAt: minutesAgo(5, now),
      },
      {
        tenantId: b.id,
        actorId: operator.id,
        action: "mail.paused",
        subjectId: "b",
        createdAt: now,
      },
    ]);
    const ids = (p: { rows: { subjectId: string | null }[] }) => p.rows.map((r) => r.subjectId);

    const tenantA = { kind: "tenant", tenantId: a.id } as const;
    expect(ids(await auditEntries(tenantA, { action: "mail.paused", period: "24h" }, now))).toEqual(
      ["recent"],
    );
    expect(ids(await auditEntries(tenantA, { action: "mail.paused", period: "30d" }, now))).toEqual(
      ["recent", "old"],
    );
    // An operator's tenant filter does not reach into a tenant admin's scope.
    expect(ids(await auditEntries(tenantA, { tenantId: b.id, period: "all" }, now))).not.toContain(
      "b",
    );
    // An unknown action is no filter at all (the form offers only known ones).
    expect(
      ids(await auditEntries(tenantA, { action: "drop table", period: "all" }, now)),
    ).toHaveLength(3);

    const ops = await auditEntries({ kind: "operator" }, { tenantId: b.id, period: "24h" }, now);
    expect(ops.rows).toHaveLength(1);
    expect(ops.rows[0]).toMatchObject({
      subjectId: "b",
      tenant: "B",
      who: `Olga (${operator.loginId}), operator`,
    });
  });

  it("reads a cursor it wrote, and anything else as the first page", () => {
    const row = { at: new Date("2026-01-02T03:04:05.678Z"), id: 42 };
    expect(decodeCursor(encodeCursor(row))).toEqual(row);
    for (const bad of [
      undefined,
      "",
      "42",
      "2026-01-02T03:04:05.678Z~",
      "x~1",
      "2026-13-45T99:99:99.999Z~1",
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});
