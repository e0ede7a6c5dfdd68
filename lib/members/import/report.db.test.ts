import { beforeAll, describe, expect, it } from "vitest";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { adminContext, makeTenant } from "@/test/factories";
import { findImport } from "./records";
import { importReport } from "./report";
import { checkUpload } from "./upload";

beforeAll(() =>
  setDefaultDomainChecker(
    new DomainChecker({ resolver: new OfflineResolver(["dead-domain.com"]) }),
  ),
);

async function rowsOf(rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>) {
  const all: (readonly unknown[])[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe("the rows-to-check workbook", () => {
  it("says each problem in words, and when the file was checked to the minute", async () => {
    const tenant = await makeTenant("Report School");
    const ctx = await adminContext(tenant);
    const id = await checkUpload(
      ctx,
      {
        name: "members.csv",
        bytes: new TextEncoder().encode(
          [
            "login_id,name,email",
            "member01,Taro,taro@dead-domain.com",
            "member02,Hanako,family@example.co.jp",
            "member03,Jiro,family@example.co.jp",
          ].join("\n"),
        ),
      },
      "create_only",
    );
    const [summary, rows] = await importReport(tenant.id, (await findImport(tenant.id, id))!);
    const facts = new Map((await rowsOf(summary!.rows)).map((r) => [r[0], r[1]]));
    expect(facts.get("Checked at")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(facts.get("Status")).toBe("Checked, not committed yet");
    expect(facts.get("Rows: Domain does not exist")).toBe(1);
    const problems = (await rowsOf(rows!.rows)).map((r) => r[5]);
    expect(problems).toEqual([
      "Domain does not exist",
      "Address twice in the file",
      "Address twice in the file",
    ]);
    expect(problems.join()).not.toMatch(/_/);
  });
});
