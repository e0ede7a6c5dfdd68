/**
 * The authorisation suite: every exported server action and every route handler, called as each
 * wrong caller against tenant A's resources, then as the right one. A wrong caller is refused (a
 * 404 where the resource is tenant-scoped, the sign-in page or a 401 without a session) and nothing
 * of A's shows in the answer; the right caller succeeds. A new action or route without an entry in
 * REGISTRY fails the first test: every one added later joins here.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { and, eq, isNull, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db/client";
import {
  accountMailState,
  memberImports,
  memberTokens,
  type MailCategory,
  outboundEmails,
  sesEvents,
  tenantMailState,
  users,
} from "@/db/schema";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { signSnsMessage } from "@/sim/sns-signing";
import { makeSigningCertificate, SIMULATOR_TOPIC_ARN } from "@/sim/feedback-simulator";
import { eventDelivery } from "@/test/fixtures/ses";
import fc from "fast-check";
import {
  answerOf,
  form,
  fuzzing,
  type Mutation,
  params,
  poisoning,
  request,
  session,
  signInAs,
  type Answer,
  type Caller,
} from "./as-caller";
import { GENERIC_FAILURE } from "@/lib/errors";
import { makeTenant, makeUser } from "./factories";
import { sourceFiles } from "./import-graph";
import { expectSentence, fuzz } from "./fuzz/fuzz";
import { STRANGE_TEXT } from "./fuzz/arbitraries";

// The webhook trusts the simulator's certificate, as in the demo: configured before anything reads env().
const keys = await makeSigningCertificate();
const certDir = mkdtempSync(path.join(os.tmpdir(), "sendwell-authz-"));
writeFileSync(path.join(certDir, "cert.pem"), keys.certPem);
Object.assign(process.env, {
  SNS_TRUSTED_CERT_FILE: path.join(certDir, "cert.pem"),
  SES_ENDPOINT: "http://127.0.0.1:1",
  SNS_TOPIC_ARNS: SIMULATOR_TOPIC_ARN,
});

vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "10.20.30.40" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], set() {}, delete() {} }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
// Work an action leaves for after its answer starts at once; a check of its effect awaits it.
const background = vi.hoisted(() => [] as Promise<unknown>[]);
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => unknown) => {
    background.push(Promise.resolve().then(task));
  },
}));
vi.mock("@/lib/auth/auth", async () => {
  const actual = await vi.importActual<typeof import("@/lib/auth/auth")>("@/lib/auth/auth");
  const { attemptLogin } = await import("@/lib/auth/login");
  const { findTenantBySlug } = await import("@/lib/tenants/tenants");
  return {
    ...actual,
    auth: async () => (session.claim ? { claim: session.claim, expires: "" } : null),
    sessionClaim: async () => session.claim,
    signOut: async () => {},
    // Auth.js's own plumbing (cookies, CSRF) runs in the browser tests; here the credentials are
    // checked by the same function its `authorize` calls.
    signIn: async (
      _provider: string,
      input: {
        scope: string;
        loginId: string;
        password: string;
        challenge?: string;
        code?: string;
      },
    ) => {
      const tenant = input.scope === "ops" ? null : await findTenantBySlug(input.scope);
      if (input.scope !== "ops" && !tenant) throw new actual.LoginRefused("invalid");
      if (input.challenge !== undefined) {
        const { completeLoginWithCode } = await import("@/lib/auth/login");
        const outcome = await completeLoginWithCode({
          tenantId: tenant!.id,
          challengeId: input.challenge,
          code: input.code ?? "",
        });
        if (!outcome.ok) throw actual.refusalOf(outcome);
        return;
      }
      const outcome = await attemptLogin({
        scope: tenant ? { kind: "tenant", tenantId: tenant.id } : { kind: "operator" },
        loginId: input.loginId,
        password: input.password,
        ip: "10.20.30.40",
      });
      if (!outcome.ok) throw new actual.LoginRefused("invalid");
    },
  };
});

const PASSWORD = "correct horse battery";

type World = Awaited<ReturnType<typeof makeWorld>>;

async function makeWorld() {
  const tag = randomBytes(3).toString("hex");
  const a = await makeTenant("Tenant A");
  const b = await makeTenant("Tenant B");
  const user = async (fields: Parameters<typeof makeUser>[0]) => {
    const u = await makeUser({ password: PASSWORD, ...fields });
    return { ...u, caller: { label: "", user: u } as Caller };
  };
  const adminA = await user({
    tenantId: a.id,
    role: "admin",
    loginId: `adm.a.${tag}`,
    email: `admin.a.${tag}@example.com`,
  });
  const learnerA = await user({
    tenantId: a.id,
    loginId: `lrn.a.${tag}`,
    name: `Secret Name ${tag}`,
    email: `learner.a.${tag}@example.com`,
    emailStatus: "ok",
  });
  const adminB = await user({ tenantId: b.id, role: "admin", loginId: `adm.b.${tag}` });
  const learnerB = await user({ tenantId: b.id, loginId: `lrn.b.${tag}` });
  const operator = await user({ tenantId: null, role: "operator", loginId: `ops.${tag}` });
  const ctxA = {
    tenant: { id: a.id, slug: a.slug, name: a.name },
    actor: {
      userId: adminA.id,
      sessionId: randomUUID(),
      role: "admin" as const,
      tenantId: a.id,
      loginId: adminA.loginId,
      name: adminA.name,
      mustChangePassword: false,
    },
  };

  const { checkUpload } = await import("@/lib/members/import/upload");
  const { commitImport } = await import("@/lib/members/import/commit");
  const csv = (rows: string[]) =>
    new TextEncoder().encode(["login_id,name,email", ...rows].join("\n"));
  const newImport = (rows: string[]) =>
    checkUpload(ctxA, { name: `import-${tag}.csv`, bytes: csv(rows) }, "create_only");
  const committed = await newImport([`paper.${tag},Paper Person,`]);
  await commitImport(ctxA, committed);
  const { queueTestMail } = await import("@/lib/mail/probe");
  const testMail = await queueTestMail(ctxA);

  /** A fresh invited member of A with an address (for the commands that change or delete one). */
  const invitedA = async () =>
    makeUser({
      tenantId: a.id,
      status: "invited",
      passwordHash: null,
      loginId: `inv.${randomBytes(3).toString("hex")}`,
      email: `invited.${tag}@example.com`,
    });
  /** An active member of A for one entry to act on (disable, rename, delete…), made once per entry. */
  const victims = new Map<string, Awaited<ReturnType<typeof makeUser>>>();
  const victim = async (key: string) => {
    if (!victims.has(key)) {
      victims.set(
        key,
        await makeUser({
          tenantId: a.id,
          loginId: `vic.${randomBytes(3).toString("hex")}`,
          name: `Victim ${tag}`,
          email: `victim.${tag}.${victims.size}@example.com`,
          emailStatus: "ok",
        }),
      );
    }
    return victims.get(key)!;
  };
  return {
    tag,
    a,
    b,
    adminA,
    learnerA,
    adminB,
    learnerB,
    operator,
    ctxA,
    victim,
    committed,
    testMailId: testMail.id,
    invitedA,
    /** A new previewed import of A, with a typo to fix. */
    previewed: () =>
      newImport([`row.${randomBytes(3).toString("hex")},Row Person,row.${tag}@gmial.com`]),
    /** What must never appear in an answer to anyone but A's own people. */
    secrets: [
      learnerA.loginId,
      learnerA.name,
      learnerA.email!,
      adminA.loginId,
      adminA.email!,
      `import-${tag}`,
      `paper.${tag}`,
      `invited.${tag}`,
      `victim.${tag}`,
      `Victim ${tag}`,
    ],
  };
}

type Who =
  "admin" | "learner" | "operator" | "password_changer" | "tenant_public" | "public" | "signed";

type Entry = {
  /** The file under app/, and the export. */
  file: string;
  name: string;
  who: Who;
  /** Calls the entry point on the tenant `slug` names, with tenant A's resources. */
  call: (w: World, slug: string) => Promise<unknown>;
  /** Whether the right caller's answer is a success (checked in the database where it matters). */
  succeeded: (answer: Answer, w: World) => boolean | Promise<boolean>;
  /** For entries that take ids: the caller's own tenant with A's ids changes nothing of A's. */
  untouched?: (w: World) => Promise<boolean>;
};

const ok = (answer: Answer) => answer.kind === "result" && answer.value.ok === true;
const redirectTo = (re: RegExp) => (answer: Answer) =>
  answer.kind === "redirect" && re.test(answer.to);
const status = (code: number) => (answer: Answer) =>
  answer.kind === "response" && answer.status === code;
/** A progress stream that ended with its result. */
const streamDone = (answer: Answer) =>
  answer.kind === "response" &&
  answer.status === 200 &&
  answer.body.trim().split("\n").at(-1)!.includes('"type":"done"');

const mod = <T>(file: string) => import(/* @vite-ignore */ `@/app/${file}`) as Promise<T>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every action has its own input type
type AnyAction = (...args: any[]) => Promise<unknown>;
const action =
  (file: string, name: string) =>
  async (...args: unknown[]) =>
    (await mod<Record<string, AnyAction>>(file))[name]!(...args);
const route =
  (file: string, method: string) =>
  async (...args: unknown[]) =>
    (await mod<Record<string, AnyAction>>(file))[method]!(...args);

const breakerOf = async (tenantId: string) =>
  (
    await db
      .select({ b: tenantMailState.breaker })
      .from(tenantMailState)
      .where(eq(tenantMailState.tenantId, tenantId))
  )[0]?.b ?? "closed";
async function setBreaker(tenantId: string, breaker: "open" | "closed", by: string | null) {
  await db
    .insert(tenantMailState)
    .values({
      tenantId,
      window: 25,
      breaker,
      breakerChangedBy: by,
      breakerReason: breaker === "open" ? "Set by the test." : null,
    })
    .onConflictDoUpdate({
      target: tenantMailState.tenantId,
      set: {
        breaker,
        breakerChangedBy: by,
        breakerReason: breaker === "open" ? "Set by the test." : null,
      },
    });
}
const lastCoded = { id: "" };
/** The member's unused ways in (tokens), by kind. */
const liveKinds = async (userId: string) =>
  (
    await db
      .select({ kind: memberTokens.kind })
      .from(memberTokens)
      .where(and(eq(memberTokens.userId, userId), isNull(memberTokens.usedAt)))
  ).map((t) => t.kind);
/** A member of A whose stored address is a likely typo (made once). */
const typoMembers = new Map<string, Awaited<ReturnType<typeof makeUser>>>();
async function typoMember(w: World) {
  if (!typoMembers.has(w.tag)) {
    typoMembers.set(
      w.tag,
      await makeUser({
        tenantId: w.a.id,
        status: "invited",
        passwordHash: null,
        loginId: `typo.${w.tag}`,
        email: `typo.${w.tag}@gmial.com`,
      }),
    );
  }
  return typoMembers.get(w.tag)!;
}
const emailOf = async (id: string) =>
  (await db.select({ e: users.email }).from(users).where(eq(users.id, id)))[0]?.e ?? null;
/** As the feedback suppresses after one of the tenant's mails bounced: for it and for the account. */
async function suppressFor(tenantId: string, address: string, reason: "bounce" | "complaint") {
  const { suppress } = await import("@/lib/suppressions");
  const [event] = await db
    .insert(sesEvents)
    .values({
      snsMessageId: randomUUID(),
      topicArn: "t",
      eventType: "Bounce",
      tenantId,
      payload: {},
    })
    .returning({ id: sesEvents.id });
  await suppress(db, { tenantId, addresses: [address], reason, detail: { eventId: event!.id } });
}
const suppressedFor = async (tenantId: string, address: string) => {
  const { isSuppressed } = await import("@/lib/suppressions");
  return (await isSuppressed(db, tenantId, address)) !== null;
};
async function setBulkStop(stopped: boolean) {
  const { ensureAccountRow } = await import("@/lib/mail/account");
  await ensureAccountRow(db);
  await db.update(accountMailState).set(
    stopped
      ? {
          bulkStoppedAt: new Date(),
          bulkStoppedBy: "operator:test",
          bulkStoppedReason: "Set by the test.",
        }
      : { bulkStoppedAt: null },
  );
}
/** An SES event the applier gave up on, as an operator finds it on the panel. */
async function parkedEvent(): Promise<number> {
  const [event] = await db
    .insert(sesEvents)
    .values({
      snsMessageId: randomUUID(),
      topicArn: "t",
      eventType: "Bounce",
      payload: {},
      applyAttempts: 5,
      applyError: "Set by the test.",
      parkedAt: new Date(),
    })
    .returning({ id: sesEvents.id });
  lastParked.id = event!.id;
  return event!.id;
}
const lastParked = { id: 0 };
const isParked = async (id: number) =>
  (await db.select({ at: sesEvents.parkedAt }).from(sesEvents).where(eq(sesEvents.id, id)))[0]
    ?.at != null;
const bulkStopped = async () =>
  (await db.select({ at: accountMailState.bulkStoppedAt }).from(accountMailState))[0]?.at != null;
const nameOf = async (id: string) =>
  (await db.select({ name: users.name }).from(users).where(eq(users.id, id)))[0]?.name;
const memberStatus = async (id: string) =>
  (await db.select({ status: users.status }).from(users).where(eq(users.id, id)))[0]?.status;

/** A fresh unsent mail of a member of A (the row a ledger remedy is asked for). */
const lastUnsent = { id: 0 };
async function unsentOfA(w: World, category: MailCategory, started: boolean): Promise<number> {
  const hex = randomBytes(3).toString("hex");
  const member = await makeUser({
    tenantId: w.a.id,
    loginId: `uns.${hex}`,
    name: `Victim ${w.tag}`,
    email: `victim.${w.tag}.u${hex}@example.com`,
    emailStatus: "ok",
    ...(started ? {} : { status: "invited" as const, passwordHash: null }),
  });
  const [mail] = await db
    .insert(outboundEmails)
    .values({
      tenantId: w.a.id,
      memberId: member.id,
      category,
      lane: category === "invitation" ? "bulk" : "transactional",
      toAddress: member.email,
      template: category,
      params: {},
      status: "failed",
      reason: "MessageRejected: test",
    })
    .returning({ id: outboundEmails.id });
  lastUnsent.id = mail!.id;
  return mail!.id;
}
const unsentOpen = async () => {
  const { ledgerRows } = await import("@/lib/unsent/ledger");
  const [tenantRow] = await db
    .select({ tenantId: outboundEmails.tenantId })
    .from(outboundEmails)
    .where(eq(outboundEmails.id, lastUnsent.id));
  const rows = await ledgerRows({ tenantId: tenantRow!.tenantId! }, { mailIds: [lastUnsent.id] });
  return rows[0]?.resolvedBy === null;
};
/** A message of A whose notice to a fresh member of A failed: the ledger row re-notify acts on. */
async function unsentNoticeOfA(w: World): Promise<number> {
  const { postMessage } = await import("@/lib/messages/post");
  const hex = randomBytes(3).toString("hex");
  const member = await makeUser({
    tenantId: w.a.id,
    loginId: `ntc.${hex}`,
    name: `Victim ${w.tag}`,
    email: `victim.${w.tag}.n${hex}@example.com`,
    emailStatus: "ok",
  });
  await postMessage(w.ctxA, {
    subject: "Notice that failed",
    body: "Hello.",
    noticeMode: "now",
    audience: { kind: "selected", ids: [member.id] },
  });
  const [mail] = await db
    .update(outboundEmails)
    .set({ status: "failed", reason: "MessageRejected: test" })
    .where(
      and(eq(outboundEmails.memberId, member.id), eq(outboundEmails.category, "message_notice")),
    )
    .returning({ id: outboundEmails.id });
  lastUnsent.id = mail!.id;
  return mail!.id;
}
const messagesOf = async (tenantId: string, subject: string) =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from messages where tenant_id = ${tenantId} and subject like ${subject}`)
    )[0]?.n ?? 0,
  );
/** A pending sign-in of A's learner and its code, as the code's mail carries it. */
async function challengeOfA(w: World, options: { sentMinutesAgo?: number } = {}) {
  const { startChallenge } = await import("@/lib/auth/login-codes");
  const challenge = await db.transaction((tx) => startChallenge(tx, w.a.id, w.learnerA.id));
  const [row] = await db.execute<{ code: string }>(sql`
    select o.params->>'code' as code from login_codes c join outbound_emails o on o.id = c.mail_id
     where c.id = ${challenge}`);
  if (options.sentMinutesAgo) {
    await db.execute(sql`
      update login_codes set sent_at = now() - ${`${options.sentMinutesAgo} minutes`}::interval
       where id = ${challenge}`);
  }
  return { challenge, code: row!.code };
}
const bypassCodesOf = async (memberId: string) =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from login_codes where user_id = ${memberId} and kind = 'bypass'`)
    )[0]?.n ?? 0,
  );
const codeSettingsOf = async (tenantId: string) =>
  (
    await db.execute<{ settings: { loginCodes?: boolean; loginCodesForAdmins?: boolean } }>(
      sql`select settings from tenants where id = ${tenantId}`,
    )
  )[0]!.settings;
/** Box rows of a member under a message of another tenant than theirs: always none. */
const boxRowsOutside = async (memberId: string, tenantId: string) =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from message_recipients r join messages m on m.id = r.message_id
         where r.member_id = ${memberId} and m.tenant_id <> ${tenantId}`)
    )[0]?.n ?? 0,
  );
const unreadOf = async (memberId: string) =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from message_recipients where member_id = ${memberId} and read_at is null`)
    )[0]?.n ?? 0,
  );
/** A message of A to its learner, so the learner has something unread. */
async function unreadFor(w: World) {
  const { postMessage } = await import("@/lib/messages/post");
  await postMessage(w.ctxA, {
    subject: "Unread",
    body: "Read me.",
    noticeMode: "never",
    audience: { kind: "selected", ids: [w.learnerA.id] },
  });
}
/** One message of A whose notice to the learner bounced, made once. */
const bounced = { id: "" };
async function bouncedMessage(w: World): Promise<string> {
  if (bounced.id) return bounced.id;
  const { postMessage } = await import("@/lib/messages/post");
  const posted = await postMessage(w.ctxA, {
    subject: "Bounced notice",
    body: "Hello.",
    noticeMode: "now",
    audience: { kind: "selected", ids: [w.learnerA.id] },
  });
  await db.execute(sql`
    update outbound_emails set status = 'bounced'
     where member_id = ${w.learnerA.id} and params->>'messageId' = ${posted.messageId}`);
  bounced.id = posted.messageId;
  return bounced.id;
}
const noticesTo = async (w: World, messageId: string) =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from outbound_emails
         where member_id = ${w.learnerA.id} and params->>'messageId' = ${messageId}`)
    )[0]?.n ?? 0,
  );

const REGISTRY: Entry[] = [
  // Operator sign-in and out.
  {
    file: "login/actions.ts",
    name: "operatorLogin",
    who: "public",
    call: (w) =>
      action("login/actions.ts", "operatorLogin")(
        null,
        form({ loginId: w.operator.loginId, password: PASSWORD }),
      ),
    succeeded: redirectTo(/^\/ops$/),
  },
  {
    file: "login/actions.ts",
    name: "operatorLogout",
    who: "operator",
    call: () => action("login/actions.ts", "operatorLogout")(null, form({})),
    succeeded: redirectTo(/^\/login$/),
  },
  // A tenant's public pages.
  {
    file: "t/[tenant]/actions.ts",
    name: "tenantLogin",
    who: "tenant_public",
    call: (w, slug) =>
      action("t/[tenant]/actions.ts", "tenantLogin")(
        slug,
        null,
        form({ loginId: w.learnerA.loginId, password: PASSWORD }),
      ),
    succeeded: redirectTo(/^\/t\/[^/]+$/),
  },
  {
    file: "t/[tenant]/actions.ts",
    name: "tenantLogout",
    who: "learner",
    call: (_w, slug) => action("t/[tenant]/actions.ts", "tenantLogout")(slug, null, form({})),
    succeeded: redirectTo(/\/login$/),
  },
  {
    file: "t/[tenant]/activate/actions.ts",
    name: "activateByLink",
    who: "tenant_public",
    call: async (w, slug) => {
      const { giveWayIn } = await import("@/lib/members/way-in");
      const member = await w.invitedA();
      await giveWayIn(db, {
        tenantId: w.a.id,
        userId: member.id,
        loginId: member.loginId,
        name: "",
        email: member.email,
      });
      const [mail] = await db
        .select({ params: outboundEmails.params })
        .from(outboundEmails)
        .where(eq(outboundEmails.memberId, member.id));
      const token = (mail!.params as { token: string }).token;
      return action("t/[tenant]/activate/actions.ts", "activateByLink")(
        slug,
        null,
        form({
          token,
          password: "a-long-private-passphrase",
          confirm: "a-long-private-passphrase",
        }),
      );
    },
    // Signed in straight away: the learner lands on their home.
    succeeded: redirectTo(/^\/t\/[^/]+$/),
  },
  {
    file: "t/[tenant]/activate/actions.ts",
    name: "activateByCode",
    who: "tenant_public",
    call: async (w, slug) => {
      const { giveWayIn } = await import("@/lib/members/way-in");
      const member = await w.invitedA();
      const way = await giveWayIn(db, {
        tenantId: w.a.id,
        userId: member.id,
        loginId: member.loginId,
        name: "",
        email: null,
      });
      const code = way.kind === "code" ? way.code : "";
      return action("t/[tenant]/activate/actions.ts", "activateByCode")(
        slug,
        null,
        form({
          loginId: member.loginId,
          code,
          password: "a-long-private-passphrase",
          confirm: "a-long-private-passphrase",
        }),
      );
    },
    // Signed in straight away: the learner lands on their home.
    succeeded: redirectTo(/^\/t\/[^/]+$/),
  },
  {
    file: "t/[tenant]/reset-password/actions.ts",
    name: "askForReset",
    who: "tenant_public",
    call: (w, slug) =>
      action("t/[tenant]/reset-password/actions.ts", "askForReset")(
        slug,
        null,
        form({ identifier: w.learnerA.loginId }),
      ),
    // The same answer for everyone; only A's own member gets a mail, queued after the answer.
    succeeded: async (answer, w) => {
      if (!ok(answer)) return false;
      await Promise.all(background.splice(0));
      const queued = await db
        .select()
        .from(outboundEmails)
        .where(
          and(
            eq(outboundEmails.memberId, w.learnerA.id),
            eq(outboundEmails.category, "password_reset"),
          ),
        );
      return queued.length === 1;
    },
  },
  {
    file: "t/[tenant]/reset-password/actions.ts",
    name: "resetByLink",
    who: "tenant_public",
    call: async (w, slug) => {
      const member = await makeUser({
        tenantId: w.a.id,
        loginId: `rst.${randomBytes(3).toString("hex")}`,
        email: `reset.${w.tag}@example.com`,
        emailStatus: "ok",
      });
      const { requestPasswordReset } = await import("@/lib/members/password-reset");
      await requestPasswordReset({ tenantId: w.a.id, identifier: member.loginId, ip: "10.1.1.1" });
      const [mail] = await db
        .select({ params: outboundEmails.params })
        .from(outboundEmails)
        .where(eq(outboundEmails.memberId, member.id));
      const token = (mail!.params as { token: string }).token;
      return action("t/[tenant]/reset-password/actions.ts", "resetByLink")(
        slug,
        null,
        form({
          token,
          password: "a-long-private-passphrase",
          confirm: "a-long-private-passphrase",
        }),
      );
    },
    succeeded: redirectTo(/\/login\?reset=1$/),
  },
  {
    file: "t/[tenant]/change-password/actions.ts",
    name: "changePassword",
    who: "password_changer",
    call: (_w, slug) =>
      action("t/[tenant]/change-password/actions.ts", "changePassword")(
        slug,
        null,
        form({
          current: PASSWORD,
          password: "a-brand-new-passphrase",
          confirm: "a-brand-new-passphrase",
        }),
      ),
    succeeded: redirectTo(/\/login\?changed=1$/),
  },
  {
    file: "t/[tenant]/login/code/actions.ts",
    name: "verifyLoginCode",
    who: "tenant_public",
    call: async (w, slug) => {
      const { challenge, code } = await challengeOfA(w);
      return action("t/[tenant]/login/code/actions.ts", "verifyLoginCode")(
        slug,
        null,
        form({ challenge, code }),
      );
    },
    succeeded: redirectTo(/^\/t\/[^/]+$/),
  },
  {
    file: "t/[tenant]/login/code/actions.ts",
    name: "resendLoginCode",
    who: "tenant_public",
    call: async (w, slug) => {
      const { challenge } = await challengeOfA(w, { sentMinutesAgo: 2 });
      return action("t/[tenant]/login/code/actions.ts", "resendLoginCode")(
        slug,
        null,
        form({ challenge }),
      );
    },
    succeeded: ok,
  },
  // Administration.
  {
    file: "t/[tenant]/admin/actions.ts",
    name: "sendTestMail",
    who: "admin",
    call: (_w, slug) => action("t/[tenant]/admin/actions.ts", "sendTestMail")(slug, null, form({})),
    succeeded: ok,
  },
  {
    file: "t/[tenant]/admin/members/actions.ts",
    name: "bulkMembers",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/members/actions.ts", "bulkMembers")(
        slug,
        null,
        form({ op: "disable", ids: JSON.stringify([(await w.victim("bulk")).id]) }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await memberStatus((await w.victim("bulk")).id)) === "disabled",
    untouched: async (w) => (await memberStatus((await w.victim("bulk")).id)) === "active",
  },
  {
    file: "t/[tenant]/admin/members/[id]/actions.ts",
    name: "saveMember",
    who: "admin",
    call: async (w, slug) => {
      const v = await w.victim("save");
      return action("t/[tenant]/admin/members/[id]/actions.ts", "saveMember")(
        slug,
        null,
        form({ id: v.id, name: "Renamed", email: v.email! }),
      );
    },
    succeeded: async (answer, w) =>
      ok(answer) && (await nameOf((await w.victim("save")).id)) === "Renamed",
    untouched: async (w) => (await nameOf((await w.victim("save")).id)) === `Victim ${w.tag}`,
  },
  {
    file: "t/[tenant]/admin/members/[id]/actions.ts",
    name: "memberCommand",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/members/[id]/actions.ts", "memberCommand")(
        slug,
        null,
        form({ id: (await w.victim("command")).id, op: "delete" }),
      ),
    succeeded: async (answer, w) =>
      redirectTo(/\/admin\/members$/)(answer) &&
      (await memberStatus((await w.victim("command")).id)) === undefined,
    untouched: async (w) => (await memberStatus((await w.victim("command")).id)) === "active",
  },
  {
    file: "t/[tenant]/admin/members/[id]/actions.ts",
    name: "fixAddress",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/members/[id]/actions.ts", "fixAddress")(
        slug,
        null,
        form({ id: (await typoMember(w)).id }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await emailOf((await typoMember(w)).id)) === `typo.${w.tag}@gmail.com`,
    untouched: async (w) => (await emailOf((await typoMember(w)).id)) === `typo.${w.tag}@gmial.com`,
  },
  {
    file: "t/[tenant]/admin/members/[id]/actions.ts",
    name: "giveActivationCode",
    who: "admin",
    call: async (w, slug) => {
      const member = await w.invitedA();
      lastCoded.id = member.id;
      return action("t/[tenant]/admin/members/[id]/actions.ts", "giveActivationCode")(
        slug,
        null,
        form({ id: member.id }),
      );
    },
    succeeded: async (answer) =>
      ok(answer) &&
      answer.kind === "result" &&
      /^[A-Z2-9]{5}-[A-Z2-9]{5}$/.test((answer.value.data as { code: string }).code) &&
      (await liveKinds(lastCoded.id)).join() === "activation_code",
    untouched: async () => (await liveKinds(lastCoded.id)).length === 0,
  },
  {
    file: "t/[tenant]/admin/members/access/actions.ts",
    name: "sendResetLink",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/members/access/actions.ts", "sendResetLink")(
        slug,
        null,
        form({ loginId: (await w.victim("reset")).loginId }),
      ),
    succeeded: ok,
  },
  {
    file: "t/[tenant]/admin/members/access/actions.ts",
    name: "setTemporaryPassword",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/members/access/actions.ts", "setTemporaryPassword")(
        slug,
        null,
        form({ loginId: (await w.victim("temporary")).loginId }),
      ),
    succeeded: (answer) =>
      ok(answer) &&
      answer.kind === "result" &&
      typeof (answer.value.data as { password?: string })?.password === "string",
    untouched: async (w) =>
      (
        await db
          .select({ must: users.mustChangePassword })
          .from(users)
          .where(eq(users.id, (await w.victim("temporary")).id))
      )[0]?.must === false,
  },
  {
    file: "t/[tenant]/admin/members/new/actions.ts",
    name: "addMember",
    who: "admin",
    call: (w, slug) =>
      action("t/[tenant]/admin/members/new/actions.ts", "addMember")(
        slug,
        null,
        form({ loginId: `new.${randomBytes(3).toString("hex")}`, name: "New", email: "" }),
      ),
    succeeded: ok,
  },
  {
    file: "t/[tenant]/admin/members/new/actions.ts",
    name: "checkTypedAddress",
    who: "admin",
    call: (_w, slug) =>
      action("t/[tenant]/admin/members/new/actions.ts", "checkTypedAddress")(
        slug,
        null,
        form({ email: "info@gmial.com" }),
      ),
    succeeded: (answer: Answer) =>
      answer.kind === "result" &&
      answer.value.ok === true &&
      JSON.stringify(answer.value.data).includes("info@gmail.com"),
  },
  ...(["applySuggestion", "applyAllSuggestions", "changeMode", "recheck", "discard"] as const).map(
    (name): Entry => ({
      file: "t/[tenant]/admin/members/import/[id]/actions.ts",
      name,
      who: "admin",
      call: async (w, slug) => {
        const id = await w.previewed();
        lastImport.id = id;
        const fields = {
          id,
          ...(name === "applySuggestion" ? { line: 2 } : {}),
          ...(name === "changeMode" ? { mode: "create_and_update" } : {}),
        };
        return action("t/[tenant]/admin/members/import/[id]/actions.ts", name)(
          slug,
          null,
          form(fields),
        );
      },
      succeeded: async (answer) =>
        name === "discard"
          ? redirectTo(/\/import\?discarded=1$/)(answer) &&
            (await importStatus(lastImport.id)) === "discarded"
          : ok(answer),
      untouched: async () => (await importStatus(lastImport.id)) === "previewed",
    }),
  ),
  // Send health and suppressions.
  {
    file: "t/[tenant]/admin/health/actions.ts",
    name: "resumeSending",
    who: "admin",
    call: async (w, slug) => {
      await setBreaker(w.a.id, "open", "system");
      return action("t/[tenant]/admin/health/actions.ts", "resumeSending")(
        slug,
        null,
        form({ confirmClean: "on" }),
      );
    },
    succeeded: async (answer, w) => ok(answer) && (await breakerOf(w.a.id)) === "half_open",
    untouched: async (w) => (await breakerOf(w.a.id)) === "open",
  },
  {
    file: "t/[tenant]/admin/health/actions.ts",
    name: "removeBouncedAddress",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/health/actions.ts", "removeBouncedAddress")(
        slug,
        null,
        form({ id: (await w.victim("remove")).id }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await emailOf((await w.victim("remove")).id)) === null,
    untouched: async (w) => (await emailOf((await w.victim("remove")).id)) !== null,
  },
  {
    file: "t/[tenant]/admin/suppressions/actions.ts",
    name: "addSuppressionByHand",
    who: "admin",
    call: (w, slug) =>
      action("t/[tenant]/admin/suppressions/actions.ts", "addSuppressionByHand")(
        slug,
        null,
        form({ address: `manual.${randomBytes(3).toString("hex")}@example.com`, note: "" }),
      ),
    succeeded: ok,
  },
  {
    file: "t/[tenant]/admin/suppressions/actions.ts",
    name: "liftSuppressionOfTenant",
    who: "admin",
    call: async (w, slug) => {
      await suppressFor(w.a.id, `lift.${w.tag}@example.com`, "bounce");
      return action("t/[tenant]/admin/suppressions/actions.ts", "liftSuppressionOfTenant")(
        slug,
        null,
        form({ address: `lift.${w.tag}@example.com`, confirmedExists: "on" }),
      );
    },
    succeeded: async (answer, w) =>
      ok(answer) && !(await suppressedFor(w.a.id, `lift.${w.tag}@example.com`)),
    untouched: async (w) => suppressedFor(w.a.id, `lift.${w.tag}@example.com`),
  },
  {
    file: "t/[tenant]/admin/suppressions/export/route.ts",
    name: "GET",
    who: "admin",
    call: (_w, slug) =>
      route("t/[tenant]/admin/suppressions/export/route.ts", "GET")(
        request(`/t/${slug}/admin/suppressions/export`),
        params({ tenant: slug }),
      ),
    succeeded: status(200),
  },
  // The unsent ledger: remedies on selected rows, the downloads.
  ...(
    [
      ["markUnsentHandled", "password_reset", true, { note: "Phoned them" }],
      ["resendUnsentInvitations", "invitation", false, {}],
      ["issueUnsentActivationCodes", "invitation", false, {}],
      ["sendUnsentResetLinks", "password_reset", true, {}],
      ["setUnsentTemporaryPasswords", "password_reset", true, {}],
      ["issueUnsentBypassCodes", "login_code", true, {}],
    ] as const
  ).map(([name, category, started, extra]): Entry => ({
    file: "t/[tenant]/admin/unsent/actions.ts",
    name,
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/unsent/actions.ts", name)(
        slug,
        null,
        form({ ids: String(await unsentOfA(w, category, started)), ...extra }),
      ),
    succeeded: async (answer) => ok(answer) && !(await unsentOpen()),
    untouched: unsentOpen,
  })),
  {
    file: "t/[tenant]/admin/unsent/actions.ts",
    name: "fixUnsentAddress",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/unsent/actions.ts", "fixUnsentAddress")(
        slug,
        null,
        form({
          id: await unsentOfA(w, "invitation", false),
          email: `fixed.${randomBytes(3).toString("hex")}@example.com`,
        }),
      ),
    succeeded: async (answer) => ok(answer) && !(await unsentOpen()),
    untouched: unsentOpen,
  },
  {
    file: "t/[tenant]/admin/unsent/actions.ts",
    name: "renotifyUnsent",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/unsent/actions.ts", "renotifyUnsent")(
        slug,
        null,
        form({ ids: String(await unsentNoticeOfA(w)) }),
      ),
    succeeded: async (answer) => ok(answer) && !(await unsentOpen()),
    untouched: unsentOpen,
  },
  {
    file: "t/[tenant]/admin/unsent/actions.ts",
    name: "announceRestoredFromLedger",
    who: "admin",
    call: (_w, slug) =>
      action("t/[tenant]/admin/unsent/actions.ts", "announceRestoredFromLedger")(
        slug,
        null,
        form({}),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await messagesOf(w.a.id, "Sending has been restored")) > 0,
  },
  {
    file: "ops/unsent/actions.ts",
    name: "noticeAdminsOfUnsent",
    who: "operator",
    call: async (w) => {
      await unsentOfA(w, "password_reset", true);
      return action("ops/unsent/actions.ts", "noticeAdminsOfUnsent")(null, form({ period: "all" }));
    },
    succeeded: async (answer, w) => ok(answer) && (await messagesOf(w.a.id, "%missed mail%")) > 0,
  },
  {
    file: "t/[tenant]/admin/unsent/export/route.ts",
    name: "GET",
    who: "admin",
    call: (_w, slug) =>
      route("t/[tenant]/admin/unsent/export/route.ts", "GET")(
        request(`/t/${slug}/admin/unsent/export?period=all&show=all`),
        params({ tenant: slug }),
      ),
    succeeded: status(200),
  },
  {
    file: "ops/unsent/export/route.ts",
    name: "GET",
    who: "operator",
    call: (w) =>
      route(
        "ops/unsent/export/route.ts",
        "GET",
      )(request(`/ops/unsent/export?tenant=${w.a.slug}&period=all`)),
    succeeded: status(200),
  },
  {
    file: "t/[tenant]/admin/members/[id]/bypass/actions.ts",
    name: "issueBypass",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/members/[id]/bypass/actions.ts", "issueBypass")(
        slug,
        null,
        form({ id: w.learnerA.id }),
      ),
    succeeded: async (answer, w) => ok(answer) && (await bypassCodesOf(w.learnerA.id)) > 0,
    untouched: async (w) => (await bypassCodesOf(w.learnerA.id)) === 0,
  },
  {
    file: "t/[tenant]/admin/login-codes/actions.ts",
    name: "saveLoginCodes",
    who: "admin",
    call: (_w, slug) =>
      action("t/[tenant]/admin/login-codes/actions.ts", "saveLoginCodes")(
        slug,
        null,
        form({ on: "0" }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await codeSettingsOf(w.a.id)).loginCodes === false,
    untouched: async (w) => (await codeSettingsOf(w.a.id)).loginCodes === undefined,
  },
  {
    file: "ops/tenants/[slug]/login-codes/actions.ts",
    name: "setAdminLoginCodes",
    who: "operator",
    call: (w) =>
      action("ops/tenants/[slug]/login-codes/actions.ts", "setAdminLoginCodes")(
        null,
        form({ slug: w.a.slug, on: "0" }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await codeSettingsOf(w.a.id)).loginCodesForAdmins === false,
    untouched: async (w) => (await codeSettingsOf(w.a.id)).loginCodesForAdmins === undefined,
  },
  // Messages.
  {
    file: "t/[tenant]/admin/messages/new/actions.ts",
    name: "sendMessage",
    who: "admin",
    call: (w, slug) =>
      action("t/[tenant]/admin/messages/new/actions.ts", "sendMessage")(
        slug,
        null,
        form({
          subject: "Timetable",
          body: "See you Monday.",
          noticeMode: "now",
          audience: "selected",
          ids: w.learnerA.id,
        }),
      ),
    succeeded: redirectTo(/\/admin\/messages\/[0-9a-f-]{36}\?posted=1$/),
    // Another tenant's admin naming A's member reaches nobody.
    untouched: async (w) => (await boxRowsOutside(w.learnerA.id, w.a.id)) === 0,
  },
  {
    file: "t/[tenant]/admin/messages/[id]/actions.ts",
    name: "renotifyMessage",
    who: "admin",
    call: async (w, slug) =>
      action("t/[tenant]/admin/messages/[id]/actions.ts", "renotifyMessage")(
        slug,
        null,
        form({ messageId: await bouncedMessage(w) }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await noticesTo(w, await bouncedMessage(w))) === 2,
    untouched: async (w) => (await noticesTo(w, await bouncedMessage(w))) === 1,
  },
  {
    file: "t/[tenant]/messages/actions.ts",
    name: "markAllMessagesRead",
    who: "learner",
    call: async (w, slug) => {
      await unreadFor(w);
      return action("t/[tenant]/messages/actions.ts", "markAllMessagesRead")(slug, null, form({}));
    },
    succeeded: async (answer, w) => ok(answer) && (await unreadOf(w.learnerA.id)) === 0,
    untouched: async (w) => (await unreadOf(w.learnerA.id)) > 0,
  },
  {
    file: "ops/announcements/actions.ts",
    name: "announceToAll",
    who: "operator",
    call: () =>
      action("ops/announcements/actions.ts", "announceToAll")(
        null,
        form({ subject: "Maintenance tonight", body: "Down 02:00 to 02:30 UTC.", email: "" }),
      ),
    succeeded: async (answer, w) =>
      ok(answer) && (await unreadOf(w.learnerB.id)) > 0 && (await unreadOf(w.adminA.id)) > 0,
  },
  // The operators' controls.
  {
    file: "ops/actions.ts",
    name: "stopBulk",
    who: "operator",
    call: async () => {
      await setBulkStop(false);
      return action("ops/actions.ts", "stopBulk")(null, form({ reason: "Reviewing the account" }));
    },
    succeeded: async (answer) => ok(answer) && (await bulkStopped()),
    untouched: async () => !(await bulkStopped()),
  },
  {
    file: "ops/actions.ts",
    name: "resumeBulk",
    who: "operator",
    call: async () => {
      await setBulkStop(true);
      return action("ops/actions.ts", "resumeBulk")(null, form({}));
    },
    succeeded: async (answer) => ok(answer) && !(await bulkStopped()),
    untouched: () => bulkStopped(),
  },
  {
    file: "ops/actions.ts",
    name: "retryParkedFeedback",
    who: "operator",
    call: async () => {
      const eventId = await parkedEvent();
      return action("ops/actions.ts", "retryParkedFeedback")(null, form({ eventId }));
    },
    succeeded: async (answer) => ok(answer) && !(await isParked(lastParked.id)),
    untouched: () => isParked(lastParked.id),
  },
  {
    file: "ops/tenants/[slug]/actions.ts",
    name: "pauseTenantBulk",
    who: "operator",
    call: async (w) => {
      await setBreaker(w.a.id, "closed", null);
      return action("ops/tenants/[slug]/actions.ts", "pauseTenantBulk")(
        null,
        form({ slug: w.a.slug, reason: "Checking a complaint" }),
      );
    },
    succeeded: async (answer, w) => ok(answer) && (await breakerOf(w.a.id)) === "open",
    untouched: async (w) => (await breakerOf(w.a.id)) === "closed",
  },
  {
    file: "ops/tenants/[slug]/actions.ts",
    name: "resumeTenantBulk",
    who: "operator",
    call: async (w) => {
      await setBreaker(w.a.id, "open", "operator:someone");
      return action("ops/tenants/[slug]/actions.ts", "resumeTenantBulk")(
        null,
        form({ slug: w.a.slug }),
      );
    },
    succeeded: async (answer, w) => ok(answer) && (await breakerOf(w.a.id)) === "half_open",
    untouched: async (w) => (await breakerOf(w.a.id)) === "open",
  },
  {
    file: "ops/tenants/[slug]/actions.ts",
    name: "liftSuppressionAsOperator",
    who: "operator",
    call: async (w) => {
      await suppressFor(w.a.id, `angry.${w.tag}@example.com`, "complaint");
      return action("ops/tenants/[slug]/actions.ts", "liftSuppressionAsOperator")(
        null,
        form({ slug: w.a.slug, address: `angry.${w.tag}@example.com` }),
      );
    },
    succeeded: async (answer, w) =>
      ok(answer) && !(await suppressedFor(w.a.id, `angry.${w.tag}@example.com`)),
    untouched: async (w) => suppressedFor(w.a.id, `angry.${w.tag}@example.com`),
  },
  // Route handlers.
  {
    file: "t/[tenant]/admin/test-mail/[id]/route.ts",
    name: "GET",
    who: "admin",
    call: (w, slug) =>
      route("t/[tenant]/admin/test-mail/[id]/route.ts", "GET")(
        request(`/t/${slug}/admin/test-mail/${w.testMailId}`),
        params({ tenant: slug, id: String(w.testMailId) }),
      ),
    succeeded: status(200),
  },
  {
    file: "t/[tenant]/admin/members/import/upload/route.ts",
    name: "POST",
    who: "admin",
    call: (w, slug) =>
      route("t/[tenant]/admin/members/import/upload/route.ts", "POST")(
        request(`/t/${slug}/admin/members/import/upload`, {
          method: "POST",
          body: `login_id,name\nup.${w.tag},Uploaded\n`,
          headers: { "x-file-name": "upload.csv" },
        }),
        params({ tenant: slug }),
      ),
    succeeded: streamDone,
  },
  {
    file: "t/[tenant]/admin/members/import/[id]/commit/route.ts",
    name: "POST",
    who: "admin",
    call: async (w, slug) => {
      const id = await w.previewed();
      lastImport.id = id;
      return route("t/[tenant]/admin/members/import/[id]/commit/route.ts", "POST")(
        request(`/t/${slug}/admin/members/import/${id}/commit`, { method: "POST" }),
        params({ tenant: slug, id }),
      );
    },
    succeeded: async (answer) =>
      streamDone(answer) && (await importStatus(lastImport.id)) === "committed",
    untouched: async () => (await importStatus(lastImport.id)) === "previewed",
  },
  {
    file: "t/[tenant]/admin/members/import/[id]/codes/route.ts",
    name: "POST",
    who: "admin",
    call: (w, slug) =>
      route("t/[tenant]/admin/members/import/[id]/codes/route.ts", "POST")(
        request(`/t/${slug}/admin/members/import/${w.committed}/codes`, { method: "POST" }),
        params({ tenant: slug, id: w.committed }),
      ),
    succeeded: (answer) =>
      streamDone(answer) &&
      answer.kind === "response" &&
      /"code":"[A-Z2-9]{5}-[A-Z2-9]{5}"/.test(answer.body),
  },
  {
    file: "t/[tenant]/admin/members/export/route.ts",
    name: "GET",
    who: "admin",
    call: (w, slug) =>
      route("t/[tenant]/admin/members/export/route.ts", "GET")(
        request(
          `/t/${slug}/admin/members/export?format=csv&q=${encodeURIComponent(w.learnerA.loginId)}`,
        ),
        params({ tenant: slug }),
      ),
    // A's own admin gets A's member, filtered by the search.
    succeeded: (answer, w) =>
      status(200)(answer) &&
      answer.kind === "response" &&
      answer.body.includes(w.learnerA.loginId) &&
      !answer.body.includes(w.adminA.loginId),
  },
  {
    file: "t/[tenant]/admin/members/import/template/route.ts",
    name: "GET",
    who: "admin",
    call: (_w, slug) =>
      route("t/[tenant]/admin/members/import/template/route.ts", "GET")(
        request(`/t/${slug}/admin/members/import/template?format=csv&lang=ja`),
        params({ tenant: slug }),
      ),
    succeeded: (answer) =>
      status(200)(answer) && answer.kind === "response" && answer.body.includes("ログインID"),
  },
  {
    file: "t/[tenant]/admin/members/import/[id]/report/route.ts",
    name: "GET",
    who: "admin",
    call: async (w, slug) => {
      const id = await w.previewed();
      return route("t/[tenant]/admin/members/import/[id]/report/route.ts", "GET")(
        request(`/t/${slug}/admin/members/import/${id}/report`),
        params({ tenant: slug, id }),
      );
    },
    succeeded: status(200),
  },
  {
    file: "api/webhooks/ses/route.ts",
    name: "POST",
    who: "signed",
    call: (_w, signer) =>
      route(
        "api/webhooks/ses/route.ts",
        "POST",
      )(
        new Request("http://localhost/api/webhooks/ses", {
          method: "POST",
          body: sesNotificationBody(signer),
        }),
      ),
    succeeded: status(200),
  },
  ...(["GET", "POST"] as const).map((method): Entry => ({
    file: "api/auth/[...nextauth]/route.ts",
    name: method,
    who: "public",
    // Auth.js's own endpoints: the session they report is the cookie's own, never a tenant's.
    call: async () => {
      const { NextRequest } = await import("next/server");
      const url =
        method === "GET"
          ? "http://localhost:3000/api/auth/session"
          : "http://localhost:3000/api/auth/callback/credentials";
      return route(
        "api/auth/[...nextauth]/route.ts",
        method,
      )(
        new NextRequest(
          url,
          method === "GET"
            ? {}
            : {
                method: "POST",
                body: new URLSearchParams({ scope: "ops", loginId: "x", password: "y" }),
                headers: { "content-type": "application/x-www-form-urlencoded" },
              },
        ),
      );
    },
    succeeded: (answer) =>
      method === "GET"
        ? answer.kind === "response" &&
          answer.status === 200 &&
          ["null", "{}"].includes(answer.body.trim())
        : // Without Auth.js's CSRF token a sign-in is refused, whoever calls.
          answer.kind === "response" && answer.status >= 300 && !answer.body.includes("claim"),
  })),
];

const lastImport = { id: "" };
const importStatus = async (id: string) =>
  (
    await db
      .select({ status: memberImports.status })
      .from(memberImports)
      .where(eq(memberImports.id, id))
  )[0]?.status;
const forgedKey = await makeSigningCertificate().then((k) => ({ privateKeyPem: k.privateKeyPem }));

/** An SES delivery as SNS posts it, signed by SNS's key or by a forger's. */
function sesNotificationBody(signer: string | undefined): string {
  return JSON.stringify(
    signSnsMessage(
      {
        Type: "Notification",
        MessageId: randomUUID(),
        TopicArn: SIMULATOR_TOPIC_ARN,
        Message: JSON.stringify(eventDelivery()),
        Timestamp: new Date().toISOString(),
        SigningCertURL:
          "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
      },
      "2",
      signer === "sns" ? keys.privateKeyPem : forgedKey.privateKeyPem,
    ),
  );
}

let w: World;
beforeAll(async () => {
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver([]) }));
  w = await makeWorld();
  // Names for the report.
  w.adminA.caller.label = "admin of A";
  w.learnerA.caller.label = "learner of A";
  w.adminB.caller.label = "admin of B";
  w.learnerB.caller.label = "learner of B";
  w.operator.caller.label = "operator";
}, 60_000);

const anonymous: Caller = { label: "anonymous visitor", user: null };
/** A's data in an answer; the form fields echoed back are the caller's own typing, not A's. */
const leaks = (answer: Answer) => {
  const shown =
    answer.kind === "result"
      ? { ...answer, value: { ...answer.value, values: undefined } }
      : answer;
  return w.secrets.filter((s) => JSON.stringify(shown).includes(s));
};

async function as(caller: Caller, slug: string, entry: Entry): Promise<Answer> {
  await signInAs(caller);
  return answerOf(() => entry.call(w, slug));
}

/** How each kind of entry refuses each wrong caller. */
function refusal(entry: Entry, caller: Caller, answer: Answer): boolean {
  const isRoute = entry.file.endsWith("route.ts");
  if (caller.user === null) {
    if (isRoute) return status(401)(answer);
    return (
      answer.kind === "redirect" &&
      (entry.who === "operator" ? answer.to === "/login" : /^\/t\/[^/]+\/login$/.test(answer.to))
    );
  }
  return isRoute ? status(404)(answer) : answer.kind === "not_found";
}

describe("the registry", () => {
  it("has an entry for every exported server action and every route handler", () => {
    const found: string[] = [];
    for (const file of sourceFiles().filter((f) => /^app\/.*(actions|route)\.ts$/.test(f))) {
      for (const name of readExports(file)) found.push(`${file.slice("app/".length)} ${name}`);
    }
    const registered = REGISTRY.map((e) => `${e.file} ${e.name}`);
    expect(
      found.filter((f) => !registered.includes(f)),
      "actions and routes without an entry",
    ).toEqual([]);
    expect(
      registered.filter((r) => !found.includes(r)),
      "entries for what no longer exists",
    ).toEqual([]);
  });
});

function readExports(file: string): string[] {
  const text = readFileSync(path.join(process.cwd(), file), "utf8");
  const names = new Set<string>();
  for (const m of text.matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)) names.add(m[1]!);
  for (const m of text.matchAll(/^export const \{([^}]+)\}/gm))
    for (const n of m[1]!.split(",")) names.add(n.trim().split(":").pop()!.trim());
  return [...names].filter(
    (n) => !/^[A-Z][a-z]/.test(n) || /^(GET|POST|PUT|PATCH|DELETE|HEAD)$/.test(n),
  );
}

describe.each(
  REGISTRY.filter((e) => ["admin", "learner", "operator", "password_changer"].includes(e.who)).map(
    (e) => [`${e.file} ${e.name}`, e] as const,
  ),
)("%s", (_label, entry) => {
  const wrongCallers = () => {
    const base = [anonymous, w.adminB.caller, w.learnerB.caller];
    if (entry.who === "admin") return [...base, w.learnerA.caller, w.operator.caller];
    if (entry.who === "operator") return [anonymous, w.adminA.caller, w.learnerA.caller];
    return [...base, w.operator.caller];
  };

  it("refuses every wrong caller, with nothing of A's in the answer", async () => {
    for (const caller of wrongCallers()) {
      const answer = await as(caller, w.a.slug, entry);
      expect(
        refusal(entry, caller, answer),
        `${caller.label}: ${JSON.stringify(answer).slice(0, 300)}`,
      ).toBe(true);
      expect(leaks(answer), caller.label).toEqual([]);
    }
    if (entry.untouched) expect(await entry.untouched(w)).toBe(true);
  });

  if (entry.who === "admin") {
    it("finds nothing of A's under another tenant's own address: a foreign id is a missing one", async () => {
      const answer = await as(w.adminB.caller, w.b.slug, entry);
      expect(leaks(answer)).toEqual([]);
      if (entry.untouched)
        expect(await entry.untouched(w), JSON.stringify(answer).slice(0, 300)).toBe(true);
    });
  }

  it("lets the right caller through", async () => {
    const right =
      entry.who === "operator" ? w.operator : entry.who === "admin" ? w.adminA : w.learnerA;
    if (entry.who === "password_changer") {
      await db.update(users).set({ mustChangePassword: true }).where(eq(users.id, w.learnerA.id));
    }
    const answer = await as(right.caller, w.a.slug, entry);
    expect(await entry.succeeded(answer, w), JSON.stringify(answer).slice(0, 400)).toBe(true);
    if (entry.who === "password_changer") {
      // The password changed and every session ended: put the world back for the entries after.
      const { hashPassword } = await import("@/lib/auth/password");
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(PASSWORD), mustChangePassword: false })
        .where(eq(users.id, w.learnerA.id));
      w.learnerA.caller.user!.sessionVersion = (
        await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, w.learnerA.id))
      )[0]!.v;
    }
  });
});

describe.each(
  REGISTRY.filter((e) => e.who === "tenant_public").map((e) => [`${e.file} ${e.name}`, e] as const),
)("%s (public, tenant-scoped)", (_label, entry) => {
  it("refuses A's secrets on another tenant's page, for every caller", async () => {
    for (const caller of [anonymous, w.adminB.caller, w.operator.caller]) {
      const answer = await as(caller, w.b.slug, entry);
      const refused =
        answer.kind === "result" && (answer.value.ok === false || entry.name === "askForReset");
      expect(refused, `${caller.label}: ${JSON.stringify(answer).slice(0, 300)}`).toBe(true);
      expect(leaks(answer)).toEqual([]);
    }
  });

  it("works on A's own page", async () => {
    const answer = await as(anonymous, w.a.slug, entry);
    expect(await entry.succeeded(answer, w), JSON.stringify(answer).slice(0, 400)).toBe(true);
  });
});

describe("the SES webhook", () => {
  const entry = REGISTRY.find((e) => e.who === "signed")!;
  it("refuses a notification not signed by SNS, whoever sends it, and takes a signed one", async () => {
    for (const caller of [anonymous, w.adminA.caller, w.operator.caller]) {
      expect(await as(caller, "forged", entry)).toMatchObject({ kind: "response", status: 403 });
    }
    expect(entry.succeeded(await as(anonymous, "sns", entry), w)).toBe(true);
  });

  it("the standalone receiver (npm run receiver) refuses the same and takes a signed one", async () => {
    const { sesReceiver } = await import("@/lib/feedback/receiver");
    const { webhookDeps } = await import("@/lib/feedback/webhook-deps");
    await refusesForgedTakesSigned(sesReceiver(webhookDeps, () => {}));
  });

  it("the app's server (npm start) answers it before Next.js: refuses the same, takes a signed one", async () => {
    const { createAppServer } = await import("@/lib/app-server");
    const { sesWebhookListener } = await import("@/lib/feedback/receiver");
    const { webhookDeps } = await import("@/lib/feedback/webhook-deps");
    const reachedNext: string[] = [];
    const server = createAppServer({
      webhook: sesWebhookListener(webhookDeps, { log: () => {} }),
      next: async (req, res) => {
        reachedNext.push(`${req.method} ${req.url}`);
        res.writeHead(404).end();
      },
      log: () => {},
    });
    await refusesForgedTakesSigned(server);
    expect(reachedNext).toEqual([]);
  });
});

/** A server of the SES webhook, listening on a free port: a forged notification 403, a signed one 200. */
async function refusesForgedTakesSigned(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/ses`;
    const post = (body: string) => fetch(url, { method: "POST", body });
    expect((await post(sesNotificationBody("forged"))).status).toBe(403);
    expect((await post(sesNotificationBody("sns"))).status).toBe(200);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Pages that show records (not only actions and routes): a wrong caller gets the sign-in page or a
 * 404 and nothing of A's; the right caller's page carries A's records.
 */
const PAGES: {
  file: string;
  who: "admin" | "operator";
  /** What the right caller's page must show. */
  shows: string;
}[] = [
  { file: "t/[tenant]/admin/audit/page.tsx", who: "admin", shows: "Imported members" },
  { file: "ops/audit/page.tsx", who: "operator", shows: "Imported members" },
];

describe.each(PAGES.map((p) => [p.file, p] as const))("page %s", (_label, entry) => {
  const render = async (caller: Caller, slug: string, query: Record<string, string> = {}) => {
    await signInAs(caller);
    const Page = (await mod<{ default: AnyAction }>(entry.file)).default;
    return answerOf(async () => {
      const element = await Page({
        params: Promise.resolve({ tenant: slug }),
        searchParams: Promise.resolve(query),
      });
      // The page's data, as the client would receive it: the props of what it returns.
      return { ok: true, shown: JSON.stringify(element) };
    });
  };
  const shown = (answer: Answer) =>
    answer.kind === "result" ? String((answer.value as { shown?: string }).shown) : "";

  it("refuses every wrong caller, with nothing of A's in the answer", async () => {
    const wrong =
      entry.who === "admin"
        ? [anonymous, w.adminB.caller, w.learnerA.caller, w.learnerB.caller, w.operator.caller]
        : [anonymous, w.adminA.caller, w.learnerA.caller];
    for (const caller of wrong) {
      const answer = await render(caller, w.a.slug);
      const refused =
        caller.user === null
          ? answer.kind === "redirect" && /\/login$/.test(answer.to)
          : answer.kind === "not_found";
      expect(refused, `${caller.label}: ${JSON.stringify(answer).slice(0, 300)}`).toBe(true);
      expect(leaks(answer), caller.label).toEqual([]);
    }
  });

  it("lets the right caller through, and no filter reaches another tenant", async () => {
    const right = entry.who === "operator" ? w.operator : w.adminA;
    const answer = await render(right.caller, w.a.slug, { period: "all" });
    expect(shown(answer), JSON.stringify(answer).slice(0, 300)).toContain(entry.shows);
    if (entry.who === "admin") {
      // B's admin on B's own page, asking for A's tenant by every parameter: only B's entries.
      const b = await render(w.adminB.caller, w.b.slug, { tenant: w.a.slug, period: "all" });
      expect(b.kind).toBe("result");
      expect(shown(b)).not.toContain(entry.shows);
      expect(leaks(b)).toEqual([]);
    }
  });
});

describe("the public endpoints outside a tenant", () => {
  for (const entry of REGISTRY.filter((e) => e.who === "public")) {
    it(`${entry.file} ${entry.name}: the same for every caller, with nothing of A's`, async () => {
      for (const caller of [anonymous, w.adminB.caller]) {
        const answer = await as(caller, w.a.slug, entry);
        expect(
          await entry.succeeded(answer, w),
          `${caller.label}: ${JSON.stringify(answer).slice(0, 300)}`,
        ).toBe(true);
        expect(leaks(answer)).toEqual([]);
      }
    });
  }
});

/** No server error: an answer, a refusal with a sentence, a redirect or a 404, never a 5xx. */
const noServerError = (answer: Answer) =>
  answer.kind === "result"
    ? answer.value.ok || (answer.value.message ?? "") !== GENERIC_FAILURE
    : answer.kind === "response"
      ? answer.status < 500 && !answer.body.includes(GENERIC_FAILURE)
      : true;

/** The entries a form or a query reaches (not the signed webhook, not Auth.js's own routes). */
const FORM_ENTRIES = REGISTRY.filter(
  (e) => e.who !== "signed" && !e.file.startsWith("api/auth/"),
).map((e) => [`${e.file} ${e.name}`, e] as const);

/** The user an entry lets through (null: anyone, signed out). */
const rightUserOf = (entry: Entry) =>
  entry.who === "operator"
    ? w.operator
    : entry.who === "admin"
      ? w.adminA
      : ["learner", "password_changer"].includes(entry.who)
        ? w.learnerA
        : null;

describe("control characters in every form field and query parameter", () => {
  it.each(FORM_ENTRIES)("%s answers with a sentence", async (_label, entry) => {
    const right = rightUserOf(entry)?.caller ?? anonymous;
    if (entry.who === "password_changer") {
      await db.update(users).set({ mustChangePassword: true }).where(eq(users.id, w.learnerA.id));
    }
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const poisoned = async (only?: number) => {
      await signInAs(right);
      Object.assign(poisoning, { on: true, only, fields: 0 });
      try {
        return await answerOf(() => entry.call(w, w.a.slug));
      } finally {
        poisoning.on = false;
      }
    };
    try {
      // Every field at once, then each field alone (the others valid, so it reaches the work).
      const all = await poisoned();
      const fields = poisoning.fields;
      const answers = [all];
      for (let only = 0; only < fields; only += 1) answers.push(await poisoned(only));
      for (const answer of answers) {
        expect(noServerError(answer), JSON.stringify(answer).slice(0, 400)).toBe(true);
      }
      expect(errors, "nothing logged as a server error").not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
    if (entry.who === "password_changer") {
      await db.update(users).set({ mustChangePassword: false }).where(eq(users.id, w.learnerA.id));
    }
  });
});

/** The sentence (or sentences) an answer carries for the person who sent the request. */
function expectSentences(answer: Answer, context: string): void {
  if (answer.kind === "result" && !answer.value.ok) {
    expectSentence(answer.value.message, context);
    const fieldErrors = (answer.value.fieldErrors ?? {}) as Record<string, string[] | undefined>;
    for (const messages of Object.values(fieldErrors)) {
      for (const message of messages ?? []) expectSentence(message, context);
    }
  }
  if (answer.kind !== "response") return;
  if (answer.status >= 400) {
    const body = JSON.parse(answer.body) as { message?: string; error?: string };
    expectSentence(body.message ?? body.error, context);
  } else if (answer.body.includes('"type":"error"')) {
    const last = JSON.parse(answer.body.trim().split("\n").at(-1)!) as { message?: string };
    expectSentence(last.message, context);
  }
}

describe("fuzz: every form field, query parameter and route id", () => {
  /** Text a person or a script might send: controls left to the test above, so the work is reached. */
  const text = STRANGE_TEXT;
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Mutation>({ kind: "keep" }) },
    { weight: 5, arbitrary: text.map((value): Mutation => ({ kind: "text", value })) },
    { weight: 1, arbitrary: fc.constant<Mutation>({ kind: "drop" }) },
    { weight: 1, arbitrary: text.map((value): Mutation => ({ kind: "twice", value })) },
    { weight: 1, arbitrary: text.map((value): Mutation => ({ kind: "file", value })) },
  );
  const HUGE = "x".repeat(1_000_000);
  const cases = fc.record({
    mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }),
    foreignSlug: fc.option(text, { freq: 6 }),
  });
  const everyField = (m: Mutation) => ({ mutations: [m], foreignSlug: null });

  it("refuses a body over its limit with 413 and a sentence, declared or streamed", async () => {
    const { env } = await import("@/lib/env");
    const { MAX_BODY_BYTES } = await import("@/lib/feedback/webhook");
    const limits = {
      upload: env().IMPORT_MAX_BYTES,
      webhook: MAX_BODY_BYTES,
    };
    const oversized = fc.record({
      target: fc.constantFrom("upload" as const, "webhook" as const),
      over: fc.integer({ min: 1, max: 512 * 1024 }),
      declared: fc.boolean(),
    });
    await fuzz(
      "registry: bodies over their limit",
      oversized,
      async ({ target, over, declared }) => {
        const size = limits[target] + over;
        const body = new Uint8Array(size).fill(0x61);
        const headers: Record<string, string> = declared ? { "content-length": String(size) } : {};
        await signInAs(target === "upload" ? w.adminA.caller : anonymous);
        // A stream, so the declared length (if any) is all the handler knows up front.
        const post = (url: string, more: Record<string, string> = {}) =>
          new Request(url, {
            method: "POST",
            body: new Blob([body]).stream(),
            headers: { ...headers, ...more },
            duplex: "half",
          } as RequestInit);
        const answer = await answerOf(() =>
          target === "upload"
            ? route("t/[tenant]/admin/members/import/upload/route.ts", "POST")(
                post(`http://localhost:3000/t/${w.a.slug}/admin/members/import/upload`, {
                  origin: "http://localhost:3000",
                  host: "localhost:3000",
                  "x-file-name": "big.csv",
                }),
                params({ tenant: w.a.slug }),
              )
            : route("api/webhooks/ses/route.ts", "POST")(post("http://localhost/api/webhooks/ses")),
        );
        expect(answer).toMatchObject({ kind: "response", status: 413 });
        if (target === "upload") expectSentences(answer, `${target} ${size}`);
      },
      { runs: 3, examples: [{ target: "upload", over: 1, declared: false }] },
    );
  });

  it.each(FORM_ENTRIES)(
    "%s: any input gets an answer or a sentence, never a server error",
    async (label, entry) => {
      const right = rightUserOf(entry);
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      try {
        await fuzz(
          `registry: ${label}`,
          cases,
          async ({ mutations, foreignSlug }) => {
            if (right) {
              // A case may have changed the password (and so the session version): sign in afresh.
              const [row] = await db
                .select({ v: users.sessionVersion })
                .from(users)
                .where(eq(users.id, right.id));
              right.caller.user!.sessionVersion = row!.v;
              if (entry.who === "password_changer") {
                await db
                  .update(users)
                  .set({ mustChangePassword: true })
                  .where(eq(users.id, right.id));
              }
            }
            await signInAs(right?.caller ?? anonymous);
            Object.assign(fuzzing, { mutations, used: 0 });
            let answer: Answer;
            try {
              answer = await answerOf(() => entry.call(w, foreignSlug ?? w.a.slug));
            } finally {
              fuzzing.mutations = null;
            }
            const context = `${label} ${JSON.stringify({ mutations, foreignSlug }).slice(0, 300)}: ${JSON.stringify(answer).slice(0, 300)}`;
            expect(noServerError(answer), context).toBe(true);
            expect(errors, `nothing logged as a server error: ${context}`).not.toHaveBeenCalled();
            expectSentences(answer, context);
          },
          {
            runs: 2,
            examples: [
              everyField({ kind: "drop" }),
              everyField({ kind: "text", value: HUGE }),
              everyField({ kind: "file", value: "%PDF-1.7" }),
              everyField({ kind: "twice", value: "" }),
            ],
          },
        );
      } finally {
        errors.mockRestore();
        if (entry.who === "password_changer" && right) {
          const { hashPassword } = await import("@/lib/auth/password");
          await db
            .update(users)
            .set({ passwordHash: await hashPassword(PASSWORD), mustChangePassword: false })
            .where(eq(users.id, right.id));
        }
      }
    },
  );
});
