import { describe, expect, it } from "vitest";
import { DomainChecker } from "@/lib/address";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { memberCsv, utf8 } from "@/test/fixtures/uploads";
import { mapHeaders } from "./headers";
import { parseUpload } from "./parse";
import { domainsToCheck, summarise, validateRows } from "./validate";

describe("100,000 rows", () => {
  it("parses and validates a 100,000-row CSV with 10% problems", async () => {
    const bytes = utf8(memberCsv(100_000));
    const started = performance.now();
    const parsed = parseUpload(
      { name: "members.csv", bytes },
      { maxBytes: 10 * 1024 * 1024, maxRows: 100_000 },
    );
    const parsedAt = performance.now();
    const { columns } = mapHeaders(parsed.headers);
    const checker = new DomainChecker({ resolver: new OfflineResolver() });
    const domainVerdicts = await checker.verdicts(domainsToCheck(parsed.rows, columns));
    const existingLoginIds = new Set<string>();
    const suppressed = new Set<string>();
    for (let i = 99; i < 100_000; i += 100) existingLoginIds.add(`existing${i}`);
    for (let i = 79; i < 100_000; i += 100) suppressed.add(`bounced${i}@example.co.jp`);
    const validated = validateRows(parsed.rows, columns, {
      mode: "create_only",
      existingLoginIds,
      suppressed,
      domainVerdicts,
      lines: parsed.lines,
    });
    const summary = summarise(validated);
    const done = performance.now();
    console.log(
      `100,000 rows (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB): parse ${Math.round(parsedAt - started)} ms, ` +
        `domains+validate+summary ${Math.round(done - parsedAt)} ms, total ${Math.round(done - started)} ms`,
    );

    expect(parsed.rows).toHaveLength(100_000);
    expect(validated[1]).toMatchObject({
      line: 3,
      loginId: "member000001",
      name: "Member, No. 1",
      status: "ok",
    });
    expect(summary.total).toBe(100_000);
    // 1,000 of each kind of problem; member000000 is repeated 1,000 times, so 1,001 duplicates.
    expect(summary.byCode).toEqual({
      login_id_missing: 1000,
      login_id_invalid: 1000,
      name_invalid: 0,
      duplicate_in_file: 1001,
      duplicate_address_in_file: 0,
      duplicate_in_tenant: 1000,
      email_invalid: 1000,
      domain_not_found: 1000,
      typo_suggestion: 1000,
      disposable_address: 1000,
      role_address: 1000,
      suppressed_address: 1000,
    });
    expect(summary.warning).toBe(3000);
    expect(summary.error).toBe(7001);
    expect(summary.ok).toBe(100_000 - 10_001);
  }, 60_000);
});
