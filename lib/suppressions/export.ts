import type { SheetSpec } from "@/lib/export/xlsx";
import { reasonText } from "@/lib/mail/reasons";
import { SUPPRESSION_PAGE_SIZE, tenantSuppressions, type SuppressionLine } from "./manage";

export const REASON_WORD = {
  bounce: "Hard bounce",
  complaint: "Complaint",
  manual: "Added by hand",
} as const;

/** Every page of the tenant's list, read one page at a time. */
async function* allLines(tenantId: string): AsyncGenerator<SuppressionLine> {
  for (let page = 1; ; page += 1) {
    const { lines, pages } = await tenantSuppressions(tenantId, { page });
    yield* lines;
    if (page >= pages || lines.length < SUPPRESSION_PAGE_SIZE) return;
  }
}

/** The tenant's suppression list as one sheet: address, scope, reason, diagnostic, date, members. */
export async function suppressionSheets(tenantId: string): Promise<SheetSpec[]> {
  const rows: (string | number | null)[][] = [];
  for await (const l of allLines(tenantId)) {
    rows.push([
      l.address,
      l.scope === "tenant" ? "Your organisation" : "Whole platform",
      REASON_WORD[l.reason],
      l.bounceSubType ? reasonText(`bounce:${l.bounceSubType}`) : null,
      l.diagnostic,
      l.note,
      l.createdAt,
      l.members.map((m) => m.loginId).join(", ") || null,
    ]);
  }
  return [
    {
      name: "Suppressions",
      columns: [
        { header: "Address", width: 36 },
        { header: "Suppressed for", width: 18 },
        { header: "Reason", width: 16 },
        { header: "Bounce", width: 36 },
        { header: "What the server said", width: 48 },
        { header: "Note", width: 30 },
        { header: "Since (UTC)", width: 18 },
        { header: "Members with it", width: 24 },
      ],
      rows,
    },
  ];
}
