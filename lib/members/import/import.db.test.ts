import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import {
  auditLog,
  memberImports,
  memberTokens,
  outboundEmails,
  suppressions,
  users,
} from "@/db/schema";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { UserError } from "@/lib/errors";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { activateWithCode } from "@/lib/members/activation";
import { createMember } from "@/lib/members/members";
import { normaliseCode } from "@/lib/members/secrets";
import { adminContext, makeTenant, makeUser } from "@/test/factories";
import { SHIFT_JIS_CSV } from "@/test/fixtures/uploads";
import { commitImport, reissueImportCodes } from "./commit";
import { applySuggestions, changeImportMode, discardImport } from "./edits";
import { findImport, loadRows, previewPage, recentImports } from "./records";
import { checkUpload } from "./upload";
import { rawSql } from "@/db/client";

beforeAll(() =>
  setDefaultDomainChecker(
    new DomainChecker({ resolver: new OfflineResolver(["dead-domain.com"]) }),
  ),
);

const csv = (lines: string[]) => ({
  name: "members.csv",
  bytes: new TextEncoder().encode(["login_id,name,email", ...lines].join("\r\n")),
});

async function school() {
  const tenant = await makeTenant("Import School");
  return { tenant, ctx: await adminContext(tenant) };
}

/** The tenant's learners as the import leaves them, by login ID. */
const learners = (tenantId: string) =>
  db
    .select({
      loginId: users.loginId,
      name: users.name,
      email: users.email,
      emailStatus: users.emailStatus,
    })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, "learner")))
    .orderBy(users.loginId);

const countUsers = async (tenantId: string) =>
  (
    await db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.role, "learner")))
  )[0]!.n;

describe("checkUpload", () => {
  it("keeps the encoding a CSV was read in, for the preview to name", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(ctx, { name: "名簿.csv", bytes: SHIFT_JIS_CSV }, "create_only");
    const page = await previewPage(tenant.id, id, "all", 1);
    expect(page.encoding).toBe("shift_jis");
    expect(page.rows.map((r) => r.name)).toEqual(["山田太郎", "髙橋①花子"]);
  });

  it("checks every row against the file and the tenant and keeps the outcome for the preview", async () => {
    const { tenant, ctx } = await school();
    await makeUser({ tenantId: tenant.id, loginId: "taken.member" });
    await db
      .insert(suppressions)
      .values({ scope: "account", address: "bounced@example.com", reason: "bounce" });
    const id = await checkUpload(
      ctx,
      csv([
        "good.one,Good One,good.one@example.com",
        "no.mail,No Mail,",
        "taken.member,Taken,taken@example.com",
        "bounced.one,Bounced,bounced@example.com",
        "dead.one,Dead,dead@dead-domain.com",
        "typo.one,Typo,typo@gmial.com",
        ",Nobody,nobody@example.com",
        "twice.one,Twice A,",
        "twice.one,Twice B,",
      ]),
      "create_only",
    );
    const record = (await findImport(tenant.id, id))!;
    expect(record).toMatchObject({ status: "previewed", rowCount: 9, mode: "create_only" });
    expect(record.summary).toMatchObject({ total: 9, ok: 2, warning: 1, error: 6 });
    expect(record.summary.byCode).toMatchObject({
      duplicate_in_tenant: 1,
      suppressed_address: 1,
      domain_not_found: 1,
      typo_suggestion: 1,
      login_id_missing: 1,
      duplicate_in_file: 2,
    });
    const problems = await previewPage(tenant.id, id, "problems", 1);
    expect(problems.total).toBe(7);
    expect(problems.encoding).toBe("utf-8");
    const bounced = problems.rows.find((row) => row.loginId === "bounced.one")!;
    expect(bounced).toMatchObject({ line: 5, status: "error", rawEmail: "bounced@example.com" });
    expect(bounced.problems[0]!.message).toContain("bounced or was reported as spam");
    expect(problems.fixable).toBe(1);
    expect(await countUsers(tenant.id)).toBe(1); // nothing added by a preview
  });

  it("refuses a file without a login ID column, saying which columns it found", async () => {
    const { ctx } = await school();
    const file = {
      name: "x.csv",
      bytes: new TextEncoder().encode("name,email\nTaro,t@example.com"),
    };
    await expect(checkUpload(ctx, file, "create_only")).rejects.toThrow(
      /No login ID column.*name, email/,
    );
  });

  it("is scoped by tenant: another tenant's admin cannot see or commit it", async () => {
    const { ctx } = await school();
    const other = await school();
    const id = await checkUpload(ctx, csv(["scoped.one,Scoped,"]), "create_only");
    expect(await findImport(other.tenant.id, id)).toBeNull();
    await expect(commitImport(other.ctx, id)).rejects.toThrow(UserError);
    expect(await countUsers(ctx.tenant.id)).toBe(0);
  });
});

describe("applySuggestions", () => {
  it("fixes one row, then all, and checks them again", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(
      ctx,
      csv(["typo.a,A,a@gmial.com", "typo.b,B,b@yaho.co.jp", "typo.c,C,c@hotmial.com"]),
      "create_only",
    );
    expect((await previewPage(tenant.id, id, "fixable", 1)).total).toBe(3);
    expect(await applySuggestions(ctx, id, [2])).toBe(1);
    let rows = (await loadRows(rawSql(), tenant.id, id)).rows;
    expect(rows[0]).toMatchObject({ rawEmail: "a@gmail.com", email: "a@gmail.com", status: "ok" });
    expect(rows[0]!.fixed).toBe(true);
    expect(rows[1]!.status).toBe("warning");
    expect(await applySuggestions(ctx, id, "all")).toBe(2);
    rows = (await loadRows(rawSql(), tenant.id, id)).rows;
    expect(rows.map((row) => row.status)).toEqual(["ok", "ok", "ok"]);
    expect((await findImport(tenant.id, id))!.summary).toMatchObject({ ok: 3, warning: 0 });
  });
});

describe("commitImport", () => {
  it("adds the accepted rows, queues their invitations as one bulk batch and gives codes to the rest", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(
      ctx,
      csv([
        "new.one,New One,new.one@example.com",
        "new.two,New Two,New.Two@Example.com",
        "new.three,New Three,",
        "bad,Too Short,bad@example.com",
      ]),
      "create_only",
    );
    const outcome = await commitImport(ctx, id);
    expect(outcome).toMatchObject({
      alreadyCommitted: false,
      created: 3,
      updated: 0,
      invitations: 2,
      activationCodes: 1,
      skipped: 1,
    });
    const members = await db
      .select({ loginId: users.loginId, email: users.email, emailStatus: users.emailStatus })
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.role, "learner")))
      .orderBy(users.loginId);
    expect(members).toEqual([
      { loginId: "new.one", email: "new.one@example.com", emailStatus: "unchecked" },
      { loginId: "new.three", email: null, emailStatus: "none" },
      { loginId: "new.two", email: "New.Two@example.com", emailStatus: "unchecked" },
    ]);
    const mails = await db
      .select()
      .from(outboundEmails)
      .where(eq(outboundEmails.tenantId, tenant.id));
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((m) => m.batchId))).toEqual(new Set([outcome.batchId]));
    expect(mails.every((m) => m.lane === "bulk" && m.status === "queued")).toBe(true);
    // Tokens are stored only as hashes; the plain token is in the mail, nowhere else.
    const tokens = await db.select().from(memberTokens).where(eq(memberTokens.tenantId, tenant.id));
    expect(tokens.map((t) => t.kind).sort()).toEqual([
      "activation_code",
      "invitation",
      "invitation",
    ]);
    const plain = (mails[0]!.params as { token: string }).token;
    expect(tokens.some((t) => t.tokenHash === plain)).toBe(false);

    // The code is shown once and works once.
    const [code] = outcome.codes;
    expect(code).toMatchObject({ loginId: "new.three", name: "New Three", line: 4 });
    await activateWithCode({
      tenantId: tenant.id,
      loginId: "new.three",
      code: normaliseCode(code!.code),
      password: "a long enough passphrase",
      ip: "127.0.0.1",
    });
    const [activated] = await db
      .select({ status: users.status })
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.loginId, "new.three")));
    expect(activated!.status).toBe("active");

    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, "members.imported")));
    expect(audit!.detail).toMatchObject({ created: 3, invitations: 2, mode: "create_only" });
  });

  it("does nothing twice: a second commit, even at the same moment, adds nothing", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(
      ctx,
      csv(["once.a,A,once.a@example.com", "once.b,B,"]),
      "create_only",
    );
    const [first, second] = await Promise.all([commitImport(ctx, id), commitImport(ctx, id)]);
    const outcomes = [first, second].sort((a) => (a.alreadyCommitted ? 1 : -1));
    expect(outcomes[0]).toMatchObject({ alreadyCommitted: false, created: 2 });
    expect(outcomes[1]).toMatchObject({ alreadyCommitted: true, created: 2, codes: [] });
    const third = await commitImport(ctx, id);
    expect(third.alreadyCommitted).toBe(true);
    expect(await countUsers(tenant.id)).toBe(2);
    const [{ n }] = (await db
      .select({ n: sql<number>`count(*)::int` })
      .from(outboundEmails)
      .where(eq(outboundEmails.tenantId, tenant.id))) as [{ n: number }];
    expect(n).toBe(1);
    await expect(applySuggestions(ctx, id, "all")).rejects.toThrow(/already committed/);

    // The record says when; the same file uploaded again is recognised.
    const record = (await findImport(tenant.id, id))!;
    expect(record.committedAt).toBeInstanceOf(Date);
    expect(record.createdAt).toBeInstanceOf(Date);
    const again = await checkUpload(
      ctx,
      csv(["once.a,A,once.a@example.com", "once.b,B,"]),
      "create_only",
    );
    const reupload = (await findImport(tenant.id, again))!;
    expect(reupload.sameFileCommittedAt).toEqual(record.committedAt);
    expect(reupload.summary).toMatchObject({ error: 2, ok: 0 });
    const listed = await recentImports(tenant.id);
    expect(listed.map((item) => item.id)).toEqual([again, id]);
    expect(listed[1]!.createdAt).toBeInstanceOf(Date);
  });

  it("is atomic: a failure while queuing the invitations leaves no member behind", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(
      ctx,
      csv(["atomic.a,A,atomic.a@example.com", "atomic.b,B,", "atomic.c,C,fail-here@example.com"]),
      "create_only",
    );
    // A trigger that fails the outbox COPY on one row, after the members and tokens are written.
    await db.execute(sql`
      create or replace function fail_import_test() returns trigger language plpgsql as $$
      begin
        if new.to_address = 'fail-here@example.com' then raise exception 'injected failure'; end if;
        return new;
      end $$`);
    await db.execute(sql`
      create trigger fail_import_test before insert on outbound_emails
      for each row execute function fail_import_test()`);
    try {
      await expect(commitImport(ctx, id)).rejects.toThrow(/injected failure/);
    } finally {
      await db.execute(sql`drop trigger fail_import_test on outbound_emails`);
    }
    expect(await countUsers(tenant.id)).toBe(0);
    const tokens = await db.select().from(memberTokens).where(eq(memberTokens.tenantId, tenant.id));
    expect(tokens).toHaveLength(0);
    expect((await findImport(tenant.id, id))!.status).toBe("previewed");
    // And it can be committed once the cause is gone.
    expect((await commitImport(ctx, id)).created).toBe(3);
  });

  it("refuses when the member list changed since the preview, and shows the new outcome", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(ctx, csv(["race.a,A,", "race.b,B,"]), "create_only");
    await createMember(ctx, { loginId: "race.b", name: "B", email: null });
    await expect(commitImport(ctx, id)).rejects.toThrow(/changed since this file was checked/);
    expect(await countUsers(tenant.id)).toBe(1);
    const record = (await findImport(tenant.id, id))!;
    expect(record).toMatchObject({ status: "previewed" });
    expect(record.summary).toMatchObject({ ok: 1, error: 1 });
    expect((await commitImport(ctx, id)).created).toBe(1);
  });

  it("create and update: changes names and addresses, re-invites those who have not started", async () => {
    const { tenant, ctx } = await school();
    const waiting = await createMember(ctx, {
      loginId: "waiting.one",
      name: "Waiting",
      email: "old@example.com",
    });
    await makeUser({
      tenantId: tenant.id,
      loginId: "started.one",
      name: "Started",
      email: "started@example.com",
      emailStatus: "ok",
    });
    await makeUser({ tenantId: tenant.id, loginId: "same.one", name: "Same", email: null });
    const [oldInvitation] = await db
      .select({ id: memberTokens.id })
      .from(memberTokens)
      .where(eq(memberTokens.userId, waiting.id));

    const id = await checkUpload(
      ctx,
      csv([
        "waiting.one,Waiting,new@example.com",
        "started.one,Started Renamed,started@example.com",
        "same.one,Same,",
        "brand.new,Brand New,brand.new@example.com",
      ]),
      "create_only",
    );
    expect((await findImport(tenant.id, id))!.summary.error).toBe(3);
    await changeImportMode(ctx, id, "create_and_update");
    expect((await findImport(tenant.id, id))!.summary).toMatchObject({ error: 0, warning: 3 });

    const outcome = await commitImport(ctx, id);
    expect(outcome).toMatchObject({ created: 1, updated: 2, unchanged: 1, invitations: 2 });
    const rows = await learners(tenant.id);
    expect(rows).toEqual([
      {
        loginId: "brand.new",
        name: "Brand New",
        email: "brand.new@example.com",
        emailStatus: "unchecked",
      },
      { loginId: "same.one", name: "Same", email: null, emailStatus: "none" },
      {
        loginId: "started.one",
        name: "Started Renamed",
        email: "started@example.com",
        emailStatus: "ok",
      },
      {
        loginId: "waiting.one",
        name: "Waiting",
        email: "new@example.com",
        emailStatus: "unchecked",
      },
    ]);
    const [superseded] = await db
      .select({ usedAt: memberTokens.usedAt })
      .from(memberTokens)
      .where(eq(memberTokens.id, oldInvitation!.id));
    expect(superseded!.usedAt).not.toBeNull();
    const toOld = await db
      .select({ status: outboundEmails.status, reason: outboundEmails.reason })
      .from(outboundEmails)
      .where(eq(outboundEmails.toAddress, "old@example.com"));
    expect(toOld).toEqual([{ status: "cancelled", reason: "superseded" }]);
    const invited = await db
      .select({ to: outboundEmails.toAddress })
      .from(outboundEmails)
      .where(eq(outboundEmails.batchId, outcome.batchId!));
    expect(invited.map((m) => m.to).sort()).toEqual(["brand.new@example.com", "new@example.com"]);
  });

  it("a discarded import keeps no rows and cannot be committed", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(ctx, csv(["gone.one,Gone,"]), "create_only");
    await discardImport(ctx, id);
    expect((await findImport(tenant.id, id))!.status).toBe("discarded");
    expect((await loadRows(rawSql(), tenant.id, id)).rows).toEqual([]);
    await expect(commitImport(ctx, id)).rejects.toThrow(/discarded/);
    expect(await countUsers(tenant.id)).toBe(0);
  });

  it("create and update never erases: empty cells and missing columns keep what is stored", async () => {
    const { tenant, ctx } = await school();
    await makeUser({
      tenantId: tenant.id,
      loginId: "kept.one",
      name: "Kept One",
      email: "kept.one@example.com",
      emailStatus: "ok",
    });
    await makeUser({ tenantId: tenant.id, loginId: "kept.two", name: "Kept Two", email: null });
    // No e-mail column at all, and an empty name cell.
    const file = {
      name: "names.csv",
      bytes: new TextEncoder().encode("login_id,name\nkept.one,Kept Renamed\nkept.two,\n"),
    };
    const id = await checkUpload(ctx, file, "create_and_update");
    const outcome = await commitImport(ctx, id);
    expect(outcome).toMatchObject({ updated: 1, unchanged: 1, invitations: 0, activationCodes: 0 });
    const rows = await learners(tenant.id);
    expect(rows).toEqual([
      {
        loginId: "kept.one",
        name: "Kept Renamed",
        email: "kept.one@example.com",
        emailStatus: "ok",
      },
      { loginId: "kept.two", name: "Kept Two", email: null, emailStatus: "none" },
    ]);
  });

  it("refuses when a row would now update someone the preview showed as new", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(ctx, csv(["late.one,Late,info@example.com"]), "create_and_update");
    expect((await findImport(tenant.id, id))!.summary).toMatchObject({ warning: 1 }); // role address
    await createMember(ctx, {
      loginId: "late.one",
      name: "Someone Else",
      email: "else@example.com",
    });
    await expect(commitImport(ctx, id)).rejects.toThrow(/changed since this file was checked/);
    const [member] = await db
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.loginId, "late.one")));
    expect(member).toEqual({ name: "Someone Else", email: "else@example.com" });
  });

  it("issues new codes for the members it added without an address who have not started", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(
      ctx,
      csv(["code.a,A,", "code.b,B,", "code.c,C,c@example.com"]),
      "create_only",
    );
    await expect(reissueImportCodes(ctx, id)).rejects.toThrow(/when the import is committed/);
    const { codes } = await commitImport(ctx, id);
    const activate = (loginId: string, code: string) =>
      activateWithCode({
        tenantId: tenant.id,
        loginId,
        code: normaliseCode(code),
        password: "a long enough passphrase",
        ip: "127.0.0.1",
      });
    await activate("code.a", codes.find((c) => c.loginId === "code.a")!.code);

    const reissued = await reissueImportCodes(ctx, id);
    expect(reissued.map((c) => [c.loginId, c.line])).toEqual([["code.b", 3]]);
    const lost = codes.find((c) => c.loginId === "code.b")!.code;
    await expect(activate("code.b", lost)).rejects.toThrow(UserError);
    await activate("code.b", reissued[0]!.code);
    await expect(reissueImportCodes(ctx, id)).rejects.toThrow(/no code is needed/);
    const other = await school();
    await expect(reissueImportCodes(other.ctx, id)).rejects.toThrow(/no longer exists/);
  });

  it("never touches an administrator, even when updating", async () => {
    const { tenant, ctx } = await school();
    const id = await checkUpload(
      ctx,
      csv([`${ctx.actor.loginId},Renamed Admin,`, "plain.one,Plain,"]),
      "create_and_update",
    );
    expect((await findImport(tenant.id, id))!.summary).toMatchObject({ ok: 1, error: 1 });
    expect((await commitImport(ctx, id)).created).toBe(1);
    const [admin] = await db
      .select({ name: users.name })
      .from(users)
      .where(eq(users.id, ctx.actor.userId));
    expect(admin!.name).toBe("Test User");
    const [stored] = await db
      .select({ status: memberImports.status })
      .from(memberImports)
      .where(eq(memberImports.id, id));
    expect(stored!.status).toBe("committed");
  });
});
