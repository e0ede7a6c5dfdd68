/**
 * A message's subject and body as an admin typed them, checked at the boundary: plain text, line
 * breaks and links kept, always rendered escaped. Each refusal is a sentence naming the field.
 */
import { UserError } from "@/lib/errors";

export const SUBJECT_MAX = 200;
export const BODY_MAX = 20_000;

// Control characters other than tab and line feed (a NUL from a pasted file, a stray escape).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

export type MessageContent = { subject: string; body: string };

/** Trims, normalises line ends, and refuses what a plain-text message cannot carry. */
export function checkContent(raw: { subject: string; body: string }): MessageContent {
  const subject = raw.subject.trim();
  const body = raw.body.replace(/\r\n?/g, "\n").trim();
  if (!subject) throw new UserError("invalid", "Write a subject.", "subject");
  if (subject.length > SUBJECT_MAX) {
    throw new UserError(
      "invalid",
      `The subject is ${subject.length} characters long; keep it to ${SUBJECT_MAX}.`,
      "subject",
    );
  }
  if (/[\n\u0000-\u001f\u007f]/.test(subject)) {
    throw new UserError(
      "invalid",
      "The subject must be one line without invisible control characters.",
      "subject",
    );
  }
  if (!body) throw new UserError("invalid", "Write the message.", "body");
  if (body.length > BODY_MAX) {
    throw new UserError(
      "invalid",
      `The message is ${body.length.toLocaleString("en")} characters long; the most is ${BODY_MAX.toLocaleString("en")}. Shorten it, or send it in parts.`,
      "body",
    );
  }
  if (body.includes("\u0000")) {
    throw new UserError(
      "invalid",
      "The message contains a NUL character (invisible, usually pasted from a file). Remove it and send again.",
      "body",
    );
  }
  if (CONTROL.test(body)) {
    throw new UserError(
      "invalid",
      "The message contains invisible control characters. Retype or paste it as plain text and send again.",
      "body",
    );
  }
  if (/<\s*\/?\s*script\b/i.test(body)) {
    throw new UserError(
      "invalid",
      "Messages are plain text: remove the <script> tag. Links and line breaks are kept as you type them.",
      "body",
    );
  }
  return { subject, body };
}

/** The body in pieces for rendering: text, and http(s) links, each shown escaped. */
export function linkPieces(body: string): ({ text: string } | { href: string })[] {
  const pieces: ({ text: string } | { href: string })[] = [];
  let last = 0;
  for (const m of body.matchAll(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g)) {
    if (m.index > last) pieces.push({ text: body.slice(last, m.index) });
    pieces.push({ href: m[0] });
    last = m.index + m[0].length;
  }
  if (last < body.length) pieces.push({ text: body.slice(last) });
  return pieces;
}
