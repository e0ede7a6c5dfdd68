import { describe, expect, it } from "vitest";
import { laneOf, renderMail, TemplateParamsError, validateParams } from "./templates";

const ctx = {
  tenantName: "Sakura <Academy>",
  tenantSlug: "sakura",
  publicUrl: "https://app.example.com/",
};
const token = "abcdefghijklmnop0123";

describe("templates", () => {
  it("renders an invitation with its link from the public URL", () => {
    const mail = renderMail("invitation", { memberName: "Taro", loginId: "taro.y", token }, ctx);
    expect(mail.subject).toBe("Your invitation to Sakura <Academy>");
    expect(mail.text).toContain(`https://app.example.com/t/sakura/activate?token=${token}`);
    expect(mail.text).toContain("Your login ID is taro.y.");
    expect(mail.html).toContain("Sakura &lt;Academy&gt;");
    expect(mail.html).not.toContain("<Academy>");
  });

  it("renders every category", () => {
    expect(
      renderMail("message_notice", { memberName: "", messageId: "m1", subject: "Exam dates" }, ctx)
        .text,
    ).toContain("https://app.example.com/t/sakura/messages/m1");
    expect(renderMail("password_reset", { memberName: "A", token }, ctx).text).toContain(
      "/t/sakura/reset-password?token=",
    );
    expect(renderMail("login_code", { memberName: "A", code: "7Q2K9X" }, ctx).subject).toContain(
      "7Q2K9X",
    );
    expect(
      renderMail("announcement", { subject: "Hello", body: "Line 1\nLine <2>" }, ctx).html,
    ).toContain("Line 1<br>Line &lt;2&gt;");
  });

  it("refuses bad parameters with a sentence naming the template and the field", () => {
    expect(() =>
      validateParams("invitation", { memberName: "A", loginId: "taro.y", token: "short" }),
    ).toThrow(TemplateParamsError);
    expect(() =>
      validateParams("invitation", { memberName: "A", loginId: "taro.y", token: "short" }),
    ).toThrow(/The "invitation" mail cannot be queued: token must be a URL-safe token/);
    expect(() => validateParams("login_code", {})).toThrow(/memberName/);
    expect(() => validateParams("announcement", null)).toThrow(TemplateParamsError);
  });

  it("refuses a subject that could inject a header", () => {
    expect(() =>
      validateParams("announcement", { subject: "Hi\r\nBcc: x@y.com", body: "b" }),
    ).toThrow(/one line/);
  });

  it("puts what a person is waiting for on the transactional lane", () => {
    expect(laneOf("password_reset")).toBe("transactional");
    expect(laneOf("login_code")).toBe("transactional");
    expect(laneOf("invitation")).toBe("bulk");
    expect(laneOf("message_notice")).toBe("bulk");
    expect(laneOf("announcement")).toBe("bulk");
  });
});
