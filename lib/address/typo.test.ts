import { describe, expect, it } from "vitest";
import { KNOWN_DOMAINS, suggestDomain } from "./typo";

describe("suggestDomain", () => {
  it.each([
    ["gmial.com", "gmail.com"],
    ["gmai.com", "gmail.com"],
    ["gamil.com", "gmail.com"],
    ["gmail.con", "gmail.com"],
    ["gmail.co", "gmail.com"],
    ["gmaill.con", "gmail.com"],
    ["yahoo.co.jpp", "yahoo.co.jp"],
    ["yaho.co.jp", "yahoo.co.jp"],
    ["yahoo.co.pj", "yahoo.co.jp"],
    ["docomo.ne.jb", "docomo.ne.jp"],
    ["docom.ne.jp", "docomo.ne.jp"],
    ["docomo.nejp", "docomo.ne.jp"],
    ["ezweb.ne.pj", "ezweb.ne.jp"],
    ["softbank.ne.jb", "softbank.ne.jp"],
    ["i.softbnak.jp", "i.softbank.jp"],
    ["hotmial.com", "hotmail.com"],
    ["icloud.con", "icloud.com"],
    ["outlook.jpp", "outlook.jp"],
    ["ocn.ne.jb", "ocn.ne.jp"],
    ["au.con", "au.com"],
  ])("taro@%s -> taro@%s", (typed, meant) => {
    expect(suggestDomain(`taro@${typed}`)).toBe(`taro@${meant}`);
  });

  it.each([
    ...KNOWN_DOMAINS,
    "example.com",
    "example.org",
    "example.ly",
    "school.ac.jp",
    "mycompany.co.jp",
    "u-tokyo.ac.jp",
    // Real domains one edit from a short provider name.
    "ab.com",
    "mo.com",
    "aon.com",
    "love.com",
    "life.com",
    // The same brands under other countries' endings are real.
    "hotmail.de",
    "yahoo.fr",
    "outlook.de",
    "live.co.uk",
  ])("leaves taro@%s alone", (domain) => {
    expect(suggestDomain(`taro@${domain}`)).toBeNull();
  });

  it("keeps the local part exactly as typed", () => {
    expect(suggestDomain("  Taro.Yamada+JP@GMIAL.com ")).toBe("Taro.Yamada+JP@gmail.com");
  });

  it("suggests nothing for what cannot become a usable address", () => {
    expect(suggestDomain("gmial.com")).toBeNull();
    expect(suggestDomain("a..b@gmial.com")).toBeNull();
    expect(suggestDomain("")).toBeNull();
  });
});
