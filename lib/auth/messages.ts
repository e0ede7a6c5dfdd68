export function loginFailureMessage(code: string): string {
  if (code.startsWith("locked:")) {
    const minutes = Number(code.slice("locked:".length)) || 15;
    return `Too many failed attempts. Sign-in is paused for this login ID; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  if (code === "disabled") {
    return "This account is disabled. Ask your administrator to enable it.";
  }
  return "Wrong login ID or password. Check both and try again.";
}

/** Only paths inside the same area, so `?next=` can never send anyone to another site. */
export function safeNextPath(next: string | undefined, allowedPrefix: string): string | null {
  if (!next || !next.startsWith(allowedPrefix)) return null;
  if (next.includes("//") || next.includes("\\") || /[\u0000-\u001f]/.test(next)) return null;
  return next;
}
