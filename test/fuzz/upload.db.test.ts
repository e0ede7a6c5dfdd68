/**
 * Fuzzing the whole upload check on the database (lib/members/import/upload): member lists whose
 * cells are anything a person or a script might put there (huge, empty, injections, any Unicode),
 * under any header, are checked and stored for the preview, or refused with a sentence; nothing
 * else escapes (no database error, no crash), and a stored preview reads back row for row.
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { TenantActor } from "@/lib/auth/actor";
import { DomainChecker, setDefaultDomainChecker } from "@/lib/address/domain-verdict";
import { OfflineResolver } from "@/lib/mail/offline-dns";
import { ImportError } from "@/lib/members/import/errors";
import { findImport } from "@/lib/members/import/records";
import { checkUpload } from "@/lib/members/import/upload";
import { adminContext, makeTenant } from "@/test/factories";
import { STRANGE_TEXT } from "./arbitraries";
import { expectSentence, fuzz } from "./fuzz";

let ctx: TenantActor;
beforeAll(async () => {
  setDefaultDomainChecker(new DomainChecker({ resolver: new OfflineResolver(["dead.example"]) }));
  ctx = await adminContext(await makeTenant("Fuzz upload"));
});

const csvField = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

describe("fuzz: the upload check on the database", () => {
  it("stores any member list for its preview, or refuses it with a sentence", async () => {
    const cell = fc.oneof(
      { weight: 3, arbitrary: STRANGE_TEXT },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          "member01",
          "ok.person@example.com",
          "a@dead.example",
          "x@gmial.com",
        ),
      },
    );
    const list = fc.record({
      header: fc.oneof(
        fc.constant(["login_id", "name", "email"]),
        fc.constant(["ログインID", "氏名", "メールアドレス"]),
        fc.array(STRANGE_TEXT, { minLength: 1, maxLength: 4 }),
      ),
      rows: fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 8 }),
      mode: fc.constantFrom("create_only" as const, "create_and_update" as const),
    });
    await fuzz(
      "upload: checked and stored on the database",
      list,
      async ({ header, rows, mode }) => {
        const lines: readonly (readonly string[])[] = [header, ...rows];
        const text = lines.map((r) => r.map(csvField).join(",")).join("\r\n");
        const bytes = new TextEncoder().encode(text);
        let id: string;
        try {
          id = await checkUpload(ctx, { name: "fuzz.csv", bytes }, mode);
        } catch (error) {
          if (!(error instanceof ImportError)) throw error;
          expectSentence(error.message);
          return;
        }
        const stored = await findImport(ctx.tenant.id, id);
        expect(stored?.status).toBe("previewed");
      },
      {
        runs: 15,
        examples: [
          // A login ID, a name and an address of a megabyte each.
          {
            header: ["login_id", "name", "email"],
            rows: [
              [
                "l".repeat(1_000_000),
                "n".repeat(1_000_000),
                `${"e".repeat(1_000_000)}@example.com`,
              ],
            ],
            mode: "create_only",
          },
          { header: ["login_id"], rows: [["member01"], ["member01"]], mode: "create_and_update" },
        ],
      },
    );
  });
});
