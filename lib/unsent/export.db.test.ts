import ExcelJS from "exceljs";
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { db, rawSql } from "@/db/client";
import { outboundEmails, tenants, users, type MailCategory, type MailStatus } from "@/db/schema";
import { workbookBuffer, workbookStream } from "@/lib/export/xlsx";
import { makeTenant, makeUser } from "@/test/factories";
import { CASE_TEXT, UNSENT_CASES } from "./cases";
import { dayStamp, ledgerDownload } from "./export";
import { ledgerCounts, ledgerRows } from "./ledger";
import { LedgerDownloadReader, ledgerDownloadsAtOnce } from "./ledger/download";

type Tenant = Awaited<ReturnType<typeof makeTenant>>;

async function unsent(
  tenant: Tenant,
  member: { id: string; email: string | null },
  category: MailCategory,
  status: MailStatus,
  at: Date,
) {
  await db.insert(outboundEmails).values({
    tenantId: tenant.id,
    memberId: member.id,
    category,
    lane: "bulk",
    toAddress: member.email,
    template: category,
    params:
      category === "message_notice" ? { memberName: "", messageId: "m-1", subject: "Hi" } : {},
    status,
    reason: status === "held" ? "account_paused" : null,
    createdAt: at,
    updatedAt: at,
  });
}

async function readBack(sheets: Awaited<ReturnType<typeof ledgerDownload>>["sheets"]) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await workbookBuffer(sheets)) as unknown as ArrayBuffer);
  return book;
}

const values = (sheet: ExcelJS.Worksheet) => {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
};

let tenant: Tenant;
const at = new Date("2026-11-30T23:30:00Z");
beforeEach(async () => {
  tenant = await makeTenant("学習センター");
  await db
    .update(tenants)
    .set({ settings: { timeZone: "Asia/Tokyo" } })
    .where(eq(tenants.id, tenant.id));
});

/** `n` invited members of the tenant, each with a held invitation (more than a cursor's batch). */
async function heldInvitations(n: number) {
  await db.execute(sql`
    insert into users (tenant_id, role, login_id, name, email, status)
    select ${tenant.id}, 'learner', 'bulk.' || n, 'Member ' || n, 'bulk' || n || '@example.com', 'invited'
      from generate_series(1, ${n}) n`);
  await db.execute(sql`
    insert into outbound_emails (tenant_id, member_id, category, lane, to_address, template, params, status)
    select tenant_id, id, 'invitation', 'bulk', email, 'invitation', '{}'::jsonb, 'held'
      from users where tenant_id = ${tenant.id} and login_id like 'bulk.%'`);
}

/**
 * 2,200 active members: act.1 to act.1500 with a held invitation, the other 700 with a failed login
 * code (more than a cursor's batch of 1,000, and a change of case inside the second).
 */
async function activeInvitationsAndCodes() {
  await db.execute(sql`
    insert into users (tenant_id, role, login_id, name, email, status, password_hash)
    select ${tenant.id}, 'learner', 'act.' || n, 'Active ' || n, 'act' || n || '@example.com', 'active', 'x'
      from generate_series(1, 2200) n`);
  await db.execute(sql`
    insert into outbound_emails (tenant_id, member_id, category, lane, to_address, template, params, status)
    select tenant_id, id,
           case when split_part(login_id, '.', 2)::int <= 1500 then 'invitation' else 'login_code' end::mail_category,
           'bulk', email, 'x', '{}'::jsonb,
           case when split_part(login_id, '.', 2)::int <= 1500 then 'held' else 'failed' end::mail_status
      from users where tenant_id = ${tenant.id} and login_id like 'act.%'`);
}

describe("the ledger's workbook", () => {
  it("equals the database: a summary with the counts, a sheet per case, dates as date cells in the tenant's zone", async () => {
    const taro = await makeUser({
      tenantId: tenant.id,
      status: "invited",
      passwordHash: null,
      name: "山田 太郎",
      email: "taro@example.jp",
    });
    const formula = await makeUser({
      tenantId: tenant.id,
      name: '=HYPERLINK("http://x")',
      email: "f@example.com",
    });
    await unsent(tenant, taro, "invitation", "bounced", at);
    await unsent(tenant, formula, "password_reset", "expired", at);
    await unsent(tenant, formula, "message_notice", "held", at);

    const now = new Date("2026-12-01T16:00:00Z");
    const workbook = await ledgerDownload(
      { tenantId: tenant.id },
      {},
      {
        tenantName: tenant.name,
        slug: tenant.slug,
        periodLabel: "at any time",
        now,
      },
    );
    expect(workbook.fileName).toBe(`unsent-${tenant.slug}-20261202.xlsx`);
    const book = await readBack(workbook.sheets);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "Summary",
      ...UNSENT_CASES.map((c) => CASE_TEXT[c].short),
    ]);

    const counts = await ledgerCounts({ tenantId: tenant.id });
    const summary = values(book.getWorksheet("Summary")!);
    expect(summary[1]![0]).toBe("Mail that did not reach members: 学習センター");
    for (const c of UNSENT_CASES) {
      const line = summary.find((r) => r[0] === CASE_TEXT[c].short)!;
      expect(line.slice(1, 3)).toEqual([counts[c].open, counts[c].resolved]);
    }

    const rows = await ledgerRows({ tenantId: tenant.id }, {}, { timeZone: "Asia/Tokyo" });
    for (const c of UNSENT_CASES) {
      const sheet = book.getWorksheet(CASE_TEXT[c].short)!;
      const [header, ...body] = values(sheet);
      expect(header).toContain("First attempt (Asia/Tokyo)");
      expect(sheet.getRow(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(sheet.autoFilter).toBe("A1:K1");
      const expected = rows.filter((r) => r.unsentCase === c);
      expect(body.map((r) => r[0])).toEqual(expected.map((r) => r.loginId));
      for (const [i, r] of expected.entries()) {
        const line = body[i]!;
        expect(line[1]).toBe(r.name.startsWith("=") ? `'${r.name}` : r.name);
        expect(line[2]).toBe(r.address);
        expect(line[5]).toBe(r.attempts);
        const cell = sheet.getRow(i + 2).getCell(7);
        expect(cell.value).toBeInstanceOf(Date);
        expect(cell.numFmt).toBe("yyyy-mm-dd hh:mm");
        // 23:30 UTC is 08:30 the next day in Tokyo: the cell shows Tokyo's wall clock.
        expect((cell.value as Date).toISOString()).toBe("2026-12-01T08:30:00.000Z");
      }
    }
    const invitation = values(book.getWorksheet(CASE_TEXT.invitation_new.short)!)[1]!;
    expect(invitation.slice(0, 2)).toEqual([taro.loginId, "山田 太郎"]);
    const reset = values(book.getWorksheet(CASE_TEXT.password_reset.short)!)[1]!;
    expect(reset[1]).toBe('\'=HYPERLINK("http://x")');
  });

  it("an empty ledger is a valid workbook that says there is nothing to do", async () => {
    const workbook = await ledgerDownload(
      { tenantId: tenant.id },
      {},
      {
        tenantName: tenant.name,
        slug: tenant.slug,
        periodLabel: "at any time",
      },
    );
    const book = await readBack(workbook.sheets);
    expect(values(book.getWorksheet("Summary")!).flat()).toContain(
      "Nothing to do: no mail failed to reach a member in this period.",
    );
    for (const c of UNSENT_CASES) expect(book.getWorksheet(CASE_TEXT[c].short)!.rowCount).toBe(1);
  });

  it("the all-tenants workbook has every tenant, in UTC, with an organisation column", async () => {
    const other = await makeTenant("Other");
    await unsent(
      tenant,
      await makeUser({ tenantId: tenant.id, email: "a@example.com" }),
      "login_code",
      "failed",
      at,
    );
    await unsent(
      other,
      await makeUser({ tenantId: other.id, email: "b@example.com" }),
      "login_code",
      "expired",
      at,
    );
    const workbook = await ledgerDownload(
      { allTenants: true },
      {},
      {
        tenantName: null,
        slug: null,
        periodLabel: "at any time",
        now: new Date("2026-12-01T16:00:00Z"),
      },
    );
    expect(workbook.fileName).toBe("unsent-all-tenants-20261201.xlsx");
    const book = await readBack(workbook.sheets);
    const [header, ...body] = values(book.getWorksheet(CASE_TEXT.login_code.short)!);
    expect(header![0]).toBe("Organisation");
    expect(header).toContain("First attempt (UTC)");
    expect(body.map((r) => r[0])).toEqual(expect.arrayContaining([tenant.slug, other.slug]));
    expect(
      (
        book.getWorksheet(CASE_TEXT.login_code.short)!.getRow(2).getCell(8).value as Date
      ).toISOString(),
    ).toBe(at.toISOString());
  });

  it("the summary counts every row however the state filter narrows the sheets", async () => {
    const open = await makeUser({ tenantId: tenant.id, status: "invited", passwordHash: null });
    const reached = await makeUser({ tenantId: tenant.id, status: "invited", passwordHash: null });
    await unsent(tenant, open, "invitation", "bounced", at);
    await unsent(tenant, reached, "invitation", "held", at);
    // A later invitation reached them: their row is resolved.
    await unsent(tenant, reached, "invitation", "delivered", new Date(at.getTime() + 60_000));
    const workbook = await ledgerDownload(
      { tenantId: tenant.id },
      { state: "open" },
      { tenantName: tenant.name, slug: tenant.slug, periodLabel: "at any time" },
    );
    const book = await readBack(workbook.sheets);
    const line = values(book.getWorksheet("Summary")!).find(
      (r) => r[0] === CASE_TEXT.invitation_new.short,
    )!;
    expect(line.slice(1, 3)).toEqual([1, 1]);
    const [, ...body] = values(book.getWorksheet(CASE_TEXT.invitation_new.short)!);
    expect(body.map((r) => r[0])).toEqual([open.loginId]);
  });

  it("one statement's cases each fill their own sheet, wherever a batch of the cursor ends", async () => {
    // Active members' invitations and login codes, no message notice, one reset resolved by a
    // sign-in after it.
    await activeInvitationsAndCodes();
    const signedIn = await makeUser({ tenantId: tenant.id, status: "active" });
    await unsent(tenant, signedIn, "password_reset", "bounced", at);
    await db
      .update(users)
      .set({ lastLoginAt: new Date(at.getTime() + 60_000) })
      .where(eq(users.id, signedIn.id));

    for (const state of ["all", "open"] as const) {
      const book = await readBack(
        (
          await ledgerDownload(
            { tenantId: tenant.id },
            { state },
            { tenantName: tenant.name, slug: tenant.slug, periodLabel: "at any time" },
          )
        ).sheets,
      );
      const loginIds = (c: (typeof UNSENT_CASES)[number]) =>
        values(book.getWorksheet(CASE_TEXT[c].short)!)
          .slice(1)
          .map((r) => String(r[0]));
      const invitations = loginIds("invitation_active");
      expect(invitations).toHaveLength(1500);
      expect(new Set(invitations).size).toBe(1500);
      expect(invitations.every((id) => Number(id.split(".")[1]) <= 1500)).toBe(true);
      const codes = loginIds("login_code");
      expect(codes).toHaveLength(700);
      expect(codes.every((id) => Number(id.split(".")[1]) > 1500)).toBe(true);
      expect(loginIds("message_notice")).toEqual([]);
      expect(loginIds("invitation_new")).toEqual([]);
      expect(loginIds("password_reset")).toEqual(state === "all" ? [signedIn.loginId] : []);
      // The summary counts every row, whatever the sheets show.
      const line = (c: (typeof UNSENT_CASES)[number]) =>
        values(book.getWorksheet("Summary")!).find((r) => r[0] === CASE_TEXT[c].short)!;
      expect(line("invitation_active").slice(1, 3)).toEqual([1500, 0]);
      expect(line("login_code").slice(1, 3)).toEqual([700, 0]);
      expect(line("password_reset").slice(1, 3)).toEqual([0, 1]);
    }
  });

  it("a case left part-way by its reader does not spill into the next of its statement", async () => {
    await activeInvitationsAndCodes();
    const reader = new LedgerDownloadReader({ tenantId: tenant.id }, {}, "UTC");
    try {
      const taken = async (c: (typeof UNSENT_CASES)[number], batches = Infinity) => {
        const rows: string[] = [];
        for await (const batch of reader.rowsOf(c)) {
          rows.push(...batch.map((r) => r.unsentCase));
          if (--batches === 0) break;
        }
        return rows;
      };
      expect(await taken("invitation_new")).toEqual([]);
      // One batch of the 1,500 invitations, and the reader goes on to the next case.
      expect((await taken("invitation_active", 1)).length).toBeLessThan(1500);
      expect(await taken("message_notice")).toEqual([]);
      expect(await taken("password_reset")).toEqual([]);
      const codes = await taken("login_code");
      expect(codes).toHaveLength(700);
      expect(new Set(codes)).toEqual(new Set(["login_code"]));
    } finally {
      await reader.close();
    }
  });

  it("a download stopped part-way ends its read: the connection is back, no statement left running", async () => {
    // More rows than one batch of the cursor, so the read is open when the download stops.
    await heldInvitations(3000);
    const running = async () =>
      (
        await rawSql()<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`
      )[0]!.n;
    const download = await ledgerDownload(
      { tenantId: tenant.id },
      {},
      { tenantName: tenant.name, slug: tenant.slug, periodLabel: "at any time" },
    );
    const reader = workbookStream(download.sheets).getReader();
    let bytes = 0;
    while (bytes < 20_000) bytes += (await reader.read()).value!.byteLength;
    // Two connections in the download's snapshot: the first case's read, and the next case's
    // statement, prefetched on the other.
    expect(await running()).toBe(2);
    await reader.cancel();
    for (let i = 0; i < 200 && (await running()) > 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await running()).toBe(0);
  });

  it("downloads at once are bounded, so they cannot take the whole pool: the next waits its turn", async () => {
    await heldInvitations(300);
    const inTransaction = async () =>
      (
        await rawSql()<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`
      )[0]!.n;
    const start = (signal?: AbortSignal) =>
      ledgerDownload(
        { tenantId: tenant.id },
        {},
        { tenantName: tenant.name, slug: tenant.slug, periodLabel: "at any time" },
        signal,
      );
    const finish = async (download: Awaited<ReturnType<typeof start>>) => {
      for (const spec of await download.sheets) await spec.release?.();
    };
    expect(ledgerDownloadsAtOnce()).toBe(2);
    // Two downloads hold their two connections each, in their snapshot's transaction, unread.
    const first = await start();
    const second = await start();
    await first.sheets;
    await second.sheets;
    expect(await inTransaction()).toBe(4);
    // A third waits for a place and holds no connection meanwhile.
    const third = await start();
    let admitted = false;
    const thirdOpen = third.sheets.then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(admitted).toBe(false);
    expect(await inTransaction()).toBe(4);
    // A fourth, whose person goes away while it waits: it stops waiting and never holds a place.
    const leaving = new AbortController();
    const fourth = await start(leaving.signal);
    const fourthOpen = fourth.sheets.then(
      () => "opened",
      (err: Error) => err.message,
    );
    leaving.abort();
    expect(await fourthOpen).toBe("The ledger's reading was stopped.");
    // The first ends: the third takes its place (not the fourth, gone).
    await finish(first);
    await thirdOpen;
    expect(await inTransaction()).toBe(4);
    await finish(second);
    await finish(third);
    for (let i = 0; i < 200 && (await inTransaction()) > 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await inTransaction()).toBe(0);
  });

  it("every sheet and the summary read one snapshot: mail that fails while the workbook is written is in none of them", async () => {
    await heldInvitations(3000);
    const late = await makeUser({ tenantId: tenant.id, name: "Late Comer" });
    const download = await ledgerDownload(
      { tenantId: tenant.id },
      {},
      { tenantName: tenant.name, slug: tenant.slug, periodLabel: "at any time" },
    );
    const reader = workbookStream(download.sheets).getReader();
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    while (bytes < 20_000) {
      const { value } = (await reader.read()) as { value: Uint8Array };
      chunks.push(value);
      bytes += value.byteLength;
    }
    // The login codes' statement has not started yet (the invitations' rows are being written).
    await unsent(tenant, late, "login_code", "failed", at);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(book.getWorksheet(CASE_TEXT.invitation_new.short)!.rowCount).toBe(3001);
    expect(book.getWorksheet(CASE_TEXT.login_code.short)!.rowCount).toBe(1);
    const line = (c: (typeof UNSENT_CASES)[number]) =>
      values(book.getWorksheet("Summary")!).find((r) => r[0] === CASE_TEXT[c].short)!;
    expect(line("invitation_new").slice(1, 3)).toEqual([3000, 0]);
    expect(line("login_code").slice(1, 3)).toEqual([0, 0]);
    // The next download sees it.
    expect((await ledgerCounts({ tenantId: tenant.id })).login_code.open).toBe(1);
  });

  it("dayStamp is the tenant's date", () => {
    expect(dayStamp(new Date("2026-12-01T16:00:00Z"), "Asia/Tokyo")).toBe("20261202");
    expect(dayStamp(new Date("2026-12-01T16:00:00Z"), "UTC")).toBe("20261201");
  });
});
