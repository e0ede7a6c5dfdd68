import { z } from "zod";
import type { MailCategory } from "@/db/schema/mail";

/**
 * The five kinds of mail, each with its parameters (validated when the mail is queued, inside the
 * caller's transaction) and its text and simple HTML. Links are built from the configured public URL.
 */
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n\u0000]/.test(s), "must be one line");
const token = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, "must be a URL-safe token");

export const templateParams = {
  invitation: z.object({ memberName: z.string().max(200), loginId: oneLine(30), token }),
  message_notice: z.object({
    memberName: z.string().max(200),
    messageId: oneLine(64),
    subject: oneLine(200),
  }),
  password_reset: z.object({ memberName: z.string().max(200), token }),
  login_code: z.object({
    memberName: z.string().max(200),
    code: z.string().regex(/^[0-9A-Z]{4,12}$/),
  }),
  announcement: z.object({ subject: oneLine(200), body: z.string().trim().min(1).max(20_000) }),
  alert: z.object({
    subject: oneLine(200),
    body: z.string().trim().min(1).max(5_000),
    /** Where to look and act, as a path of this deployment (/t/<tenant>/admin/health, /ops). */
    path: z.string().regex(/^\/[A-Za-z0-9/_?=&.-]*$/, "must be a path of this site"),
  }),
} satisfies Record<MailCategory, z.ZodType>;

export type TemplateParams = { [K in MailCategory]: z.infer<(typeof templateParams)[K]> };

export class TemplateParamsError extends Error {
  override name = "TemplateParamsError";
}

/** Parses a mail's parameters or throws a sentence naming the template and the fields. */
export function validateParams<C extends MailCategory>(
  category: C,
  params: unknown,
): TemplateParams[C] {
  const result = templateParams[category].safeParse(params);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join(".") || "(params)"} ${i.message}`);
    throw new TemplateParamsError(`The "${category}" mail cannot be queued: ${fields.join("; ")}.`);
  }
  return result.data as TemplateParams[C];
}

export type RenderContext = { tenantName: string; tenantSlug: string; publicUrl: string };
export type RenderedMail = { subject: string; text: string; html: string };

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function link(ctx: RenderContext, path: string): string {
  return `${ctx.publicUrl.replace(/\/$/, "")}/t/${ctx.tenantSlug}${path}`;
}

function page(
  paragraphs: (string | { href: string; label: string })[],
  ctx: RenderContext,
): string {
  const body = paragraphs
    .map((p) =>
      typeof p === "string"
        ? `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`
        : `<p><a href="${escapeHtml(p.href)}">${escapeHtml(p.label)}</a></p>`,
    )
    .join("\n");
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">\n${body}\n<p style="color:#666">${escapeHtml(ctx.tenantName)}</p>\n</body></html>`;
}

const greeting = (name: string) => (name.trim() ? `Hello ${name.trim()},` : "Hello,");

export function renderMail(
  category: MailCategory,
  rawParams: unknown,
  ctx: RenderContext,
): RenderedMail {
  switch (category) {
    case "invitation": {
      const p = validateParams("invitation", rawParams);
      const url = link(ctx, `/activate?token=${p.token}`);
      const lines = [
        greeting(p.memberName),
        `You have been invited to ${ctx.tenantName}. Your login ID is ${p.loginId}.`,
        "Open this link within 7 days to set your password and start:",
      ];
      return {
        subject: `Your invitation to ${ctx.tenantName}`,
        text: `${lines.join("\n\n")}\n\n${url}\n\n${ctx.tenantName}\n`,
        html: page([...lines, { href: url, label: "Set your password" }], ctx),
      };
    }
    case "message_notice": {
      const p = validateParams("message_notice", rawParams);
      const url = link(ctx, `/messages/${encodeURIComponent(p.messageId)}`);
      const lines = [
        greeting(p.memberName),
        `You have a new message from ${ctx.tenantName}: "${p.subject}".`,
      ];
      return {
        subject: `New message: ${p.subject}`,
        text: `${lines.join("\n\n")}\n\nRead it here: ${url}\n\n${ctx.tenantName}\n`,
        html: page([...lines, { href: url, label: "Read the message" }], ctx),
      };
    }
    case "password_reset": {
      const p = validateParams("password_reset", rawParams);
      const url = link(ctx, `/reset-password?token=${p.token}`);
      const lines = [
        greeting(p.memberName),
        "Someone (we hope you) asked to reset your password. The link works once, for one hour:",
      ];
      const after =
        "If you did not ask for this, you can ignore this mail: your password stays as it is.";
      return {
        subject: `Reset your ${ctx.tenantName} password`,
        text: `${lines.join("\n\n")}\n\n${url}\n\n${after}\n\n${ctx.tenantName}\n`,
        html: page([...lines, { href: url, label: "Choose a new password" }, after], ctx),
      };
    }
    case "login_code": {
      const p = validateParams("login_code", rawParams);
      const lines = [
        greeting(p.memberName),
        `Your ${ctx.tenantName} login code is ${p.code}. It works once.`,
      ];
      return {
        subject: `Your ${ctx.tenantName} login code: ${p.code}`,
        text: `${lines.join("\n\n")}\n\n${ctx.tenantName}\n`,
        html: page(lines, ctx),
      };
    }
    case "alert": {
      const p = validateParams("alert", rawParams);
      const url = `${ctx.publicUrl.replace(/\/$/, "")}${p.path}`;
      return {
        subject: p.subject,
        text: `${p.body}\n\nSee it and act: ${url}\n\nSendwell\n`,
        html: page([p.body, { href: url, label: "See it and act" }], ctx),
      };
    }
    case "announcement": {
      const p = validateParams("announcement", rawParams);
      return {
        subject: p.subject,
        text: `${p.body}\n\n${ctx.tenantName}\n`,
        html: page([p.body], ctx),
      };
    }
  }
}

/**
 * Transactional: what a person just asked for and is waiting on, and alerts about sending itself
 * (they must get through while bulk mail is paused). Bulk: everything else.
 */
export function laneOf(category: MailCategory): "transactional" | "bulk" {
  return category === "password_reset" || category === "login_code" || category === "alert"
    ? "transactional"
    : "bulk";
}
