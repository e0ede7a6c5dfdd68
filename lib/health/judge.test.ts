import { describe, expect, it } from "vitest";
import { ACCOUNT_LINES, judgeRate, TENANT_LINES } from "./judge";

describe("judgeRate", () => {
  it("never judges a rate on fewer mails than the minimum, however bad it looks", () => {
    expect(judgeRate(3, 3, TENANT_LINES.bounce)).toEqual({
      count: 3,
      volume: 3,
      rate: 1,
      level: "too_few",
    });
    expect(judgeRate(0, 0, TENANT_LINES.bounce)).toMatchObject({ rate: null, level: "too_few" });
    expect(judgeRate(19, 999, ACCOUNT_LINES.bounce)).toMatchObject({ level: "too_few" });
  });

  it("reads a rate against its warning and stop lines, the lines themselves included", () => {
    const lines = TENANT_LINES.bounce; // 2% warn, 5% stop, 20 mails
    expect(judgeRate(0, 20, lines).level).toBe("ok");
    expect(judgeRate(1, 100, lines).level).toBe("ok");
    expect(judgeRate(2, 100, lines).level).toBe("warn");
    expect(judgeRate(4, 100, lines).level).toBe("warn");
    expect(judgeRate(5, 100, lines).level).toBe("stop");
    expect(judgeRate(1, 20, lines)).toMatchObject({ rate: 0.05, level: "stop" });
  });

  it("judges complaints on their own, much lower lines", () => {
    expect(judgeRate(1, 10_000, ACCOUNT_LINES.complaint).level).toBe("ok");
    expect(judgeRate(5, 10_000, ACCOUNT_LINES.complaint).level).toBe("warn");
    expect(judgeRate(8, 10_000, ACCOUNT_LINES.complaint).level).toBe("stop");
  });
});
