import { describe, expect, it } from "vitest";
import { makeTenant, makeUser } from "@/test/factories";
import { memberCsvStream, memberExportRows } from "./export";
import { parseMemberQuery } from "./list-query";

describe("the member export", () => {
  it("streams the members the table's filters match, in words, formulas neutralised", async () => {
    const tenant = await makeTenant("Export School");
    const other = await makeTenant("Other School");
    await makeUser({ tenantId: tenant.id, loginId: "exp.active1", name: '=HYPERLINK("x")' });
    await makeUser({ tenantId: tenant.id, loginId: "exp.active2", name: "Hanako, Suzuki" });
    await makeUser({
      tenantId: tenant.id,
      loginId: "exp.invited",
      status: "invited",
      passwordHash: null,
    });
    await makeUser({ tenantId: other.id, loginId: "exp.other" });

    const rows = [];
    for await (const row of memberExportRows(tenant.id, parseMemberQuery({ status: "active" })))
      rows.push(row);
    expect(rows.map((r) => r[0])).toEqual(["exp.active1", "exp.active2"]);
    expect(rows[0]!.slice(3, 5)).toEqual(["Learner", "Active"]);

    const bytes = new Uint8Array(
      await new Response(memberCsvStream(tenant.id, parseMemberQuery({}))).arrayBuffer(),
    );
    // A byte-order mark first, so Excel reads the UTF-8 as UTF-8.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^Login ID,Name,E-mail,Role,Status,Mail/);
    expect(lines).toHaveLength(4);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"Hanako, Suzuki"');
    expect(csv).toContain("Not started");
    expect(csv).not.toContain("exp.other");
  });
});
