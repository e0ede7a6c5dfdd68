import { describe, expect, it } from "vitest";
import { isDisposableDomain, isRoleAddress } from "./flags";

describe("isDisposableDomain", () => {
  it.each([
    ["mailinator.com", true],
    ["MAILINATOR.com.", true],
    ["team1.mailinator.com", true],
    ["a.b.guerrillamail.com", true],
    ["yopmail.com", true],
    ["gmail.com", false],
    ["docomo.ne.jp", false],
    ["yahoo.co.jp", false],
    ["example.com", false],
    ["mailinator.com.example.org", false],
    ["com", false],
    ["", false],
  ])("%j -> %s", (domain, disposable) => {
    expect(isDisposableDomain(domain)).toBe(disposable);
  });
});

describe("isRoleAddress", () => {
  it.each([
    ["info@example.com", true],
    ["Info@example.co.jp", true],
    ["support+jp@example.com", true],
    ["NO-REPLY@example.com", true],
    ["mailer-daemon@example.com", true],
    ["privacy@example.com", true],
    ["taro@example.com", false],
    ["information@example.com", false],
    ["taro+info@example.com", false],
    ["info.taro@example.com", false],
  ])("%j -> %s", (address, role) => {
    expect(isRoleAddress(address)).toBe(role);
  });
});
