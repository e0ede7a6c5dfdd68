import type { AddressCheck } from "./index";

/** One address as a user might type it, and everything checkAddressSyntax should say about it. */
export type AddressFixture = {
  input: string;
  expect: Partial<Omit<AddressCheck, "input">> & Pick<AddressCheck, "address" | "problem">;
  why?: string;
};

const ok = (input: string, address = input, why?: string): AddressFixture => ({
  input,
  expect: { address, problem: null },
  why,
});
const bad = (input: string, problem: AddressFixture["expect"]["problem"], why?: string) => ({
  input,
  expect: { address: null, problem },
  why,
});

const label63 = "a".repeat(63);

export const GOOD: AddressFixture[] = [
  ok("taro.yamada@example.com"),
  ok("  Taro.Yamada@Example.COM  ", "Taro.Yamada@example.com", "domain lower-cased, local kept"),
  ok("user+newsletter@gmail.com"),
  ok("o'brien@example.ie"),
  ok("a!#$%&'*+/=?^_`{|}~-z@example.com", undefined, "every atext character"),
  ok("09012345678@docomo.ne.jp"),
  ok(
    "taro＠docomo.ne.jp",
    "taro@docomo.ne.jp",
    "a full-width at sign, as Japanese keyboards type it",
  ),
  ok("s1234567@g.ecc.u-tokyo.ac.jp"),
  ok("user@example.com.", "user@example.com", "the root's trailing dot"),
  ok("a@b.com\r\n", "a@b.com", "a trailing CSV line ending is trimmed, nothing left to inject"),
  ok("\u3000taro@example.jp\u3000", "taro@example.jp", "ideographic spaces around it"),
  ok("a%0aBcc@b.com", undefined, "'%' is atext and nothing decodes it: literal, not a newline"),
  ok(`${"x".repeat(64)}@example.com`, undefined, "local part at the 64 limit"),
  ok(`x@${label63}.${label63}.${label63}.${"b".repeat(57)}.jp`, undefined, "254 in all"),
];

export const IDN: AddressFixture[] = [
  ok("user@例え.jp", "user@xn--r8jz45g.jp"),
  ok("user@Bücher.DE", "user@xn--bcher-kva.de"),
  ok("user@日本語。jp", "user@xn--wgv71a119e.jp", "ideographic full stop as the dot"),
  ok("taro@ｇｍａｉｌ．ｃｏｍ", "taro@gmail.com", "full-width letters typed with a Japanese IME"),
  ok("user@xn--r8jz45g.jp", undefined, "already punycode"),
  bad("user@xn--zz.jp", "bad_domain", "punycode that decodes to nothing"),
  bad("たろう@example.jp", "bad_local_part", "SMTPUTF8 local part: SES cannot send to it"),
];

export const BAD: AddressFixture[] = [
  bad("", "empty"),
  bad("   ", "empty"),
  bad("plainaddress", "no_at"),
  bad("@example.com", "bad_local_part"),
  bad("user@", "bad_domain"),
  bad("user@.", "bad_domain"),
  bad("user@localhost", "bad_domain", "one label"),
  bad("user@[192.0.2.1]", "bad_domain", "IP literal"),
  bad("user@192.0.2.1", "bad_domain", "numeric TLD"),
  bad("user@example.123", "bad_domain"),
  bad("user@-example.com", "bad_domain"),
  bad("user@example-.com", "bad_domain"),
  bad("user@exa_mple.com", "bad_domain"),
  bad("user@example..com", "bad_domain"),
  bad(`user@${"a".repeat(64)}.com`, "bad_domain", "label over 63"),
  bad(".user@example.com", "bad_local_part"),
  bad("user.@example.com", "bad_local_part"),
  bad("us..er@example.com", "bad_local_part"),
  bad("taro..yamada.@docomo.ne.jp", "bad_local_part", "old docomo/ezweb style: SES refuses it"),
  bad("a@b@c.com", "bad_local_part"),
  bad("<a@b.com>", "bad_local_part"),
  bad("a,b@example.com", "bad_local_part"),
  bad("a b@example.com", "whitespace"),
  bad("a\tb@example.com", "whitespace"),
  bad("user@exam ple.com", "whitespace"),
  bad("Taro <taro@example.com>", "whitespace"),
  bad(`${"x".repeat(65)}@example.com`, "too_long"),
  bad(`x@${label63}.${label63}.${label63}.${"b".repeat(58)}.jp`, "too_long", "255 in all"),
];

export const INJECTION: AddressFixture[] = [
  bad("a@b.com\r\nBcc: x@y.com", "control_character"),
  bad("a@b.com\nBcc: x@y.com", "control_character"),
  bad("a@b.c\nom", "control_character", "domainToASCII would silently drop this newline"),
  bad("a\u0000@b.com", "control_character"),
  bad("a@b.co\u0000m", "control_character"),
  bad("a\u001b@b.com", "control_character"),
  bad("a\u007f@b.com", "control_character"),
  bad("a@b.com\u2028Bcc: x", "control_character"),
  bad("a@b.com%0aBcc:", "bad_domain", "literal %, 0, a: not a newline, but not a host name either"),
  bad('"a@b"@c.com', "quoted_local_part"),
  bad('"a b"@x.com', "quoted_local_part"),
  bad('"taro"@example.com', "quoted_local_part"),
  bad("a(comment)@b.com", "comment"),
  bad("a@b.com(comment)", "comment"),
];

export const TYPO: AddressFixture[] = [
  {
    input: "Taro@gmial.com",
    expect: { address: "Taro@gmial.com", problem: null, suggestion: "Taro@gmail.com" },
  },
  {
    input: "hanako@docomo.ne.jb",
    expect: { address: "hanako@docomo.ne.jb", problem: null, suggestion: "hanako@docomo.ne.jp" },
  },
  {
    input: "a..b@gmial.com",
    expect: { address: null, problem: "bad_local_part", suggestion: null },
    why: "a fixed domain would not make it usable",
  },
  {
    input: "taro@gmail.com",
    expect: { address: "taro@gmail.com", problem: null, suggestion: null },
  },
];

export const FLAGGED: AddressFixture[] = [
  {
    input: "x@mailinator.com",
    expect: { address: "x@mailinator.com", problem: null, disposable: true, role: false },
  },
  {
    input: "x@team1.Mailinator.com",
    expect: { address: "x@team1.mailinator.com", problem: null, disposable: true },
  },
  {
    input: "Info@example.co.jp",
    expect: { address: "Info@example.co.jp", problem: null, disposable: false, role: true },
  },
  {
    input: "support+jp@example.com",
    expect: { address: "support+jp@example.com", problem: null, role: true },
  },
  {
    input: "information@example.com",
    expect: { address: "information@example.com", problem: null, role: false },
  },
];

export const ALL_FIXTURES: AddressFixture[] = [
  ...GOOD,
  ...IDN,
  ...BAD,
  ...INJECTION,
  ...TYPO,
  ...FLAGGED,
];
