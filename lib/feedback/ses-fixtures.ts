/**
 * SES events in the shapes of the SES documentation's examples ("Examples of event data that Amazon
 * SES publishes to Amazon SNS" and "Amazon SNS notification examples for Amazon SES").
 */
const mail = (messageId: string, destination: string[]) => ({
  timestamp: "2017-08-05T00:40:02.012Z",
  source: "Sender Name <sender@example.com>",
  sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
  sendingAccountId: "123456789012",
  messageId,
  destination,
  headersTruncated: false,
  headers: [
    { name: "From", value: "Sender Name <sender@example.com>" },
    { name: "To", value: destination.join(", ") },
    { name: "Subject", value: "Message sent from Amazon SES" },
  ],
  commonHeaders: {
    from: ["Sender Name <sender@example.com>"],
    to: destination,
    messageId,
    subject: "Message sent from Amazon SES",
  },
  tags: {
    "ses:configuration-set": ["ConfigSet"],
    "ses:source-ip": ["192.0.2.0"],
    "ses:from-domain": ["example.com"],
    "ses:caller-identity": ["ses_user"],
    tenant: ["t-1"],
    category: ["invitation"],
    outbox_id: ["42"],
  },
});

export const ID = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";

export function eventBounce(
  opts: { id?: string; to?: string[]; bounced?: string[]; type?: string; subType?: string } = {},
) {
  const to = opts.to ?? ["recipient@example.com"];
  return {
    eventType: "Bounce",
    bounce: {
      bounceType: opts.type ?? "Permanent",
      bounceSubType: opts.subType ?? "General",
      bouncedRecipients: (opts.bounced ?? to).map((emailAddress) => ({
        emailAddress,
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 user unknown",
      })),
      timestamp: "2017-08-05T00:41:02.669Z",
      feedbackId: "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
      reportingMTA: "dsn; mta.example.com",
    },
    mail: mail(opts.id ?? ID, to),
  };
}

export function eventComplaint(opts: { id?: string; to?: string[]; complained?: string[] } = {}) {
  const to = opts.to ?? ["recipient@example.com"];
  return {
    eventType: "Complaint",
    complaint: {
      feedbackId: "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
      complaintSubType: null,
      complainedRecipients: (opts.complained ?? to).map((emailAddress) => ({ emailAddress })),
      timestamp: "2017-08-05T00:41:02.669Z",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
      complaintFeedbackType: "abuse",
      arrivalDate: "2017-08-05T00:41:02.669Z",
    },
    mail: mail(opts.id ?? ID, to),
  };
}

export function eventDelivery(opts: { id?: string; to?: string[] } = {}) {
  const to = opts.to ?? ["recipient@example.com"];
  return {
    eventType: "Delivery",
    mail: mail(opts.id ?? ID, to),
    delivery: {
      timestamp: "2016-10-19T23:21:04.133Z",
      processingTimeMillis: 11893,
      recipients: to,
      smtpResponse: "250 2.6.0 Message received",
      reportingMTA: "mta.example.com",
    },
  };
}

export function eventSend(opts: { id?: string; to?: string[] } = {}) {
  return {
    eventType: "Send",
    mail: mail(opts.id ?? ID, opts.to ?? ["recipient@example.com"]),
    send: {},
  };
}

export function eventReject(opts: { id?: string } = {}) {
  return {
    eventType: "Reject",
    mail: mail(opts.id ?? ID, ["recipient@example.com"]),
    reject: { reason: "Bad content" },
  };
}

export function eventDeliveryDelay(opts: { id?: string } = {}) {
  return {
    eventType: "DeliveryDelay",
    mail: mail(opts.id ?? ID, ["recipient@example.com"]),
    deliveryDelay: {
      timestamp: "2020-06-16T00:15:40.641Z",
      delayType: "TransientCommunicationFailure",
      expirationTime: "2020-06-16T00:25:40.914Z",
      delayedRecipients: [
        {
          emailAddress: "recipient@example.com",
          status: "4.4.1",
          diagnosticCode: "smtp; 421 4.4.1 Unable to connect",
        },
      ],
    },
  };
}

/** The older feedback notifications: `notificationType` instead of `eventType`, no tags. */
export function notificationBounce(opts: { id?: string; to?: string[]; type?: string } = {}) {
  const { eventType, mail: m, ...rest } = eventBounce(opts);
  void eventType;
  const { tags, ...mailWithoutTags } = m;
  void tags;
  return { notificationType: "Bounce", ...rest, mail: mailWithoutTags };
}

export function notificationComplaint(opts: { id?: string; to?: string[] } = {}) {
  const { eventType, ...rest } = eventComplaint(opts);
  void eventType;
  return { notificationType: "Complaint", ...rest };
}

export function notificationDelivery(opts: { id?: string; to?: string[] } = {}) {
  const { eventType, ...rest } = eventDelivery(opts);
  void eventType;
  return { notificationType: "Delivery", ...rest };
}
