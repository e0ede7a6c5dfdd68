import { describe, expect, it } from "vitest";
import { checkAddressSyntax } from "@/lib/address";
import { CachedAddressChecker } from "./cached-check";

const SAMPLES = [
  "taro@example.co.jp",
  " Taro@EXAMPLE.CO.JP ",
  "taro@gmial.com",
  "Hanako.Y@gmial.com",
  "taro..x@gmial.com",
  "taro@gmail.con",
  "taro@yahooo.co.jp",
  "taro@docomo.ne.jpp",
  "taro＠example.co.jp",
  "info@example.co.jp",
  "support+jp@example.co.jp",
  "x@mailinator.com",
  "x@team1.mailinator.com",
  "x@yopmail.com",
  "no-at-sign",
  "@example.com",
  "a@",
  "a b@example.com",
  '"quoted"@example.com',
  "a@localhost",
  "a@例え.jp",
  "a@b.c\nom",
  "",
  "x".repeat(70) + "@gmial.com",
];

describe("CachedAddressChecker", () => {
  it("answers as checkAddressSyntax does, twice in a row", () => {
    const checker = new CachedAddressChecker();
    for (const raw of [...SAMPLES, ...SAMPLES]) {
      expect(checker.check(raw), JSON.stringify(raw)).toEqual(checkAddressSyntax(raw));
    }
  });
});
