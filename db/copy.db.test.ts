import { describe, expect, it } from "vitest";
import { rawSql } from "./client";
import { copyField, copyInto } from "./copy";

describe("copyField", () => {
  it("writes COPY's text format: \\N for null, escapes for the special bytes", () => {
    expect(copyField(null)).toBe("\\N");
    expect(copyField(undefined)).toBe("\\N");
    expect(copyField("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyField(new Date("2026-01-02T03:04:05.678Z"))).toBe("2026-01-02T03:04:05.678Z");
    expect(copyField({ a: "x\ty" })).toBe('{"a":"x\\\\ty"}');
    expect(copyField(42)).toBe("42");
  });
});

describe("copyInto", () => {
  const setUp = async (table: string) => {
    const sql = rawSql();
    await sql.unsafe(`create table ${table} (id int primary key, note text, data jsonb)`);
    return sql;
  };

  it("round-trips awkward text and json inside a transaction", async () => {
    const sql = await setUp("copy_roundtrip");
    const notes = ["tab\there", "line\nbreak", "back\\slash", "\\N", "", "日本語", null];
    await sql.begin((tx) =>
      copyInto(
        tx,
        "copy_roundtrip",
        ["id", "note", "data"],
        notes.map((note, i) => [i, note, { note }]),
      ),
    );
    const rows = await sql<{ id: number; note: string | null; data: { note: string | null } }[]>`
      select id, note, data from copy_roundtrip order by id`;
    expect(rows.map((r) => r.note)).toEqual(notes);
    expect(rows.map((r) => r.data.note)).toEqual(notes);
  });

  it("rejects (does not hang) when the last row breaks a constraint, and leaves nothing", async () => {
    const sql = await setUp("copy_late_error");
    const rows = [
      [1, "a"],
      [2, "b"],
      [1, "duplicate"],
    ];
    await expect(
      sql.begin((tx) => copyInto(tx, "copy_late_error", ["id", "note"], rows)),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await sql`select * from copy_late_error`).toHaveLength(0);
    // The pool's connection is still usable afterwards.
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
  });

  it("rejects when a row in the middle of a long stream fails", async () => {
    const sql = await setUp("copy_mid_error");
    const rows = Array.from({ length: 50_000 }, (_, i) => [
      i === 10_000 ? 0 : i + 1,
      "x".repeat(20),
    ]);
    rows.unshift([0, "first"]);
    await expect(
      sql.begin((tx) => copyInto(tx, "copy_mid_error", ["id", "note"], rows)),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await sql`select count(*)::int as n from copy_mid_error`).toEqual([{ n: 0 }]);
  });
});

describe("pgOf", () => {
  it("is the transaction's own connection inside a drizzle transaction, and the pool outside", async () => {
    const { db, pgOf } = await import("./client");
    const { sql } = await import("drizzle-orm");
    await db.transaction(async (tx) => {
      const [viaDrizzle] = await tx.execute<{ x: string }>(sql`select txid_current()::text as x`);
      const [viaPg] = await pgOf(tx)<{ x: string }[]>`select txid_current()::text as x`;
      expect(viaPg!.x).toBe(viaDrizzle!.x);
    });
    expect(pgOf(db)).toBe(rawSql());
  });
});
