import {
  AccountSuspendedException,
  LimitExceededException,
  MessageRejected,
  SendingPausedException,
  TooManyRequestsException,
  BadRequestException,
  InternalServiceErrorException,
} from "@aws-sdk/client-sesv2";
import { describe, expect, it } from "vitest";
import { classifySendError, sendEmailInput, type TransportConfig } from "./transport";

const meta = { $metadata: {}, message: "m" };
const config: TransportConfig = {
  AWS_REGION: "eu-west-1",
  SES_ENDPOINT: undefined,
  SES_FROM_ADDRESS: "School <no-reply@mail.example.com>",
  SES_CONFIGURATION_SET_TRANSACTIONAL: "tx-set",
  SES_CONFIGURATION_SET_BULK: "bulk-set",
  SES_TENANTS: "true",
};

describe("classifySendError", () => {
  it("retries throttling and server faults", () => {
    expect(classifySendError(new TooManyRequestsException(meta)).kind).toBe("retry");
    expect(classifySendError(new LimitExceededException(meta)).kind).toBe("retry");
    expect(classifySendError(new InternalServiceErrorException(meta)).kind).toBe("retry");
    expect(
      classifySendError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })).kind,
    ).toBe("retry");
  });

  it("pauses everything when SES pauses or suspends the account", () => {
    expect(classifySendError(new SendingPausedException(meta)).kind).toBe("pause");
    expect(classifySendError(new AccountSuspendedException(meta)).kind).toBe("pause");
  });

  it("fails the mail on other client faults, with SES's reason", () => {
    const rejected = classifySendError(
      new MessageRejected({ ...meta, message: "Email address is not verified." }),
    );
    expect(rejected).toEqual({
      kind: "fail",
      reason: "MessageRejected: Email address is not verified.",
    });
    expect(classifySendError(new BadRequestException(meta)).kind).toBe("fail");
  });
});

describe("sendEmailInput", () => {
  const mail = {
    to: "a@example.com",
    subject: "S",
    text: "T",
    html: "<p>H</p>",
    tags: { tenant: "t-1", category: "invitation", outbox: "42" },
    tenantName: "sakura",
  };

  it("uses the lane's configuration set, the tags and the SES tenant", () => {
    const input = sendEmailInput({ ...mail, lane: "bulk" }, config);
    expect(input.ConfigurationSetName).toBe("bulk-set");
    expect(input.EmailTags).toEqual([
      { Name: "tenant", Value: "t-1" },
      { Name: "category", Value: "invitation" },
      { Name: "outbox_id", Value: "42" },
    ]);
    expect(input.TenantName).toBe("sakura");
    expect(input.FromEmailAddress).toBe("School <no-reply@mail.example.com>");
    expect(sendEmailInput({ ...mail, lane: "transactional" }, config).ConfigurationSetName).toBe(
      "tx-set",
    );
  });

  it("leaves TenantName out unless SES tenants are configured", () => {
    expect(
      sendEmailInput({ ...mail, lane: "bulk" }, { ...config, SES_TENANTS: "false" }).TenantName,
    ).toBeUndefined();
  });
});
