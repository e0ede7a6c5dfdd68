import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, rawSql } from "@/db/client";
import { memberImports, users } from "@/db/schema";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { runHousekeeping } from "@/lib/housekeeping/start";
import { adminContext, makeTenant } from "@/test/factories";
import { commitImport, reissueImportCodes } from "./commit";
import { findImport, loadRows } from "./records";
import { dropExpiredImportRows } from "./retention";
import { checkUpload } from "./upload";

beforeAll(() => setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver([]) })));

const csv = (lines: string[]) => ({
  name: "members.csv",
  bytes: new TextEncoder().encode(["login_id,name,email", ...lines].join("\r\n")),
});
const DAY = 86_400_000;

describe("import retention", () => {
  it("drops the rows of imports committed or left untouched longer than the setting, and nothing else", async () => {
    const tenant = await makeTenant("Retention School");
    const ctx = await adminContext(tenant);
    const now = new Date();
    const days = 30;
    // Old and committed (with a member added by code), recent and committed, old preview, recent preview.
    const old = await checkUpload(
      ctx,
      csv(["old.one,Old One,old.one@example.com", "old.code,Old Code,"]),
      "create_only",
    );
    await commitImport(ctx, old);
    const recent = await checkUpload(
      ctx,
      csv(["new.one,New One,new.one@example.com"]),
      "create_only",
    );
    await commitImport(ctx, recent);
    const stale = await checkUpload(ctx, csv(["stale.one,Stale,stale@example.com"]), "create_only");
    const fresh = await checkUpload(ctx, csv(["fresh.one,Fresh,fresh@example.com"]), "create_only");
    const back = (id: string, ms: number) =>
      db
        .update(memberImports)
        .set({ committedAt: new Date(now.getTime() - ms), updatedAt: new Date(now.getTime() - ms) })
        .where(eq(memberImports.id, id));
    await back(old, (days + 1) * DAY);
    await back(recent, (days - 1) * DAY);
    await back(stale, (days + 1) * DAY);
    await back(fresh, 1 * DAY);

    expect(await dropExpiredImportRows(days, now)).toEqual({ committed: 1, abandoned: 1 });

    const rowsOf = async (id: string) => (await loadRows(rawSql(), tenant.id, id)).rows.length;
    expect(await rowsOf(old)).toBe(0);
    expect(await rowsOf(stale)).toBe(0);
    expect(await rowsOf(recent)).toBe(1);
    expect(await rowsOf(fresh)).toBe(1);
    // The record, its counts and the members it added stay; the page can say what happened.
    const record = await findImport(tenant.id, old);
    expect(record?.status).toBe("committed");
    expect(record?.result).toMatchObject({ created: 2, rowsDroppedAt: now.toISOString() });
    expect((await findImport(tenant.id, stale))?.status).toBe("discarded");
    const added = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.tenantId, tenant.id));
    expect(added.length).toBeGreaterThanOrEqual(3);
    // Codes for the import's members can no longer be reissued from it: a sentence says where.
    await expect(reissueImportCodes(ctx, old)).rejects.toThrow(/retention rule.*Sign-in help/);

    // Idempotent: a second round (another process, the next hour) changes nothing.
    expect(await dropExpiredImportRows(days, now)).toEqual({ committed: 0, abandoned: 0 });
  });

  it("runs in the periodic job, which logs what it dropped", async () => {
    const tenant = await makeTenant("Housekeeping School");
    const ctx = await adminContext(tenant);
    const id = await checkUpload(ctx, csv(["hk.one,HK One,hk.one@example.com"]), "create_only");
    await commitImport(ctx, id);
    const logged: string[] = [];
    await runHousekeeping({
      log: (m) => logged.push(m),
      now: new Date(Date.now() + 3 * DAY),
      days: 2,
    });
    expect((await findImport(tenant.id, id))?.result?.rowsDroppedAt).toBeTruthy();
    expect(logged.join("\n")).toMatch(/committed and \d+ abandoned imports older than 2 days/);
  });
});
