import { Badge, type Tone } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { Alert, Card, stacked } from "@/components/ui";
import type { ActionState } from "@/lib/web/action-result";
import type { ApplierBacklog, ApplierVerdict, ParkedEvent } from "@/lib/feedback/applier";
import { ageInWords } from "@/lib/feedback/applier/verdict";

const LEVEL: Record<ApplierVerdict["level"], [Tone, string]> = {
  ok: ["ok", "Keeping up"],
  behind: ["stop", "Behind"],
  parked: ["warn", "Events parked"],
};
const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/** The operator panel's view of the feedback applier: backlog, oldest wait, parked events to retry. */
export function FeedbackApplierCard({
  backlog,
  verdict,
  parked,
  retry,
}: {
  backlog: ApplierBacklog;
  verdict: ApplierVerdict;
  parked: ParkedEvent[];
  retry: (prev: ActionState, formData: FormData) => Promise<ActionState>;
}) {
  const [tone, word] = LEVEL[verdict.level];
  return (
    <Card className="mt-4">
      <h2 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        Applying feedback <Badge tone={tone}>{word}</Badge>
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        The webhook stores each SES event as it arrives; the applier then moves the mail,
        suppresses, and feeds the windows and breakers.
      </p>
      <dl className="mt-3 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4" data-testid="applier">
        <div>
          <dt className="text-slate-600">Waiting to be applied</dt>
          <dd className="text-xl font-semibold tabular-nums">
            {backlog.pending.toLocaleString("en")}
          </dd>
          {backlog.retrying > 0 && (
            <dd className="text-xs text-slate-600">
              {backlog.retrying.toLocaleString("en")} waiting for a retry
            </dd>
          )}
        </div>
        <div>
          <dt className="text-slate-600">Oldest waiting</dt>
          <dd className="text-xl font-semibold tabular-nums">
            {verdict.waitedS === null ? "–" : ageInWords(verdict.waitedS)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Parked</dt>
          <dd className="text-xl font-semibold tabular-nums">
            {backlog.parked.toLocaleString("en")}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Duplicates, 24 hours</dt>
          <dd className="text-xl font-semibold tabular-nums">
            {backlog.duplicatesLastDay.toLocaleString("en")}
          </dd>
          <dd className="text-xs text-slate-600">the same SES event again, counted once</dd>
        </div>
      </dl>
      <div className="mt-3">
        {verdict.level === "ok" ? (
          <p className="text-sm text-slate-700">{verdict.sentence}</p>
        ) : (
          <Alert>{verdict.sentence}</Alert>
        )}
      </div>
      {parked.length > 0 && (
        <table className={`${stacked.table} mt-3`} data-testid="parked-events">
          <caption className="sr-only">Events the applier gave up on, newest first</caption>
          <thead className={stacked.head}>
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                Event
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Recipients
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Error
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody className={stacked.body}>
            {parked.map((e) => (
              <tr key={e.id} className={stacked.row}>
                <td className={stacked.cell} data-label="Event: ">
                  {e.eventType} · received {utc(e.receivedAt)} · {e.attempts} attempts
                </td>
                <td className={`${stacked.cell} break-all`} data-label="Recipients: ">
                  {e.recipients.join(", ") || "–"}
                </td>
                <td className={`${stacked.cell} break-words text-red-800`} data-label="Error: ">
                  {e.error ?? "–"}
                </td>
                <td className={stacked.cell}>
                  <ConfirmAction
                    action={retry}
                    fields={{ eventId: e.id }}
                    label="Try again"
                    variant="secondary"
                    title="Apply this event again?"
                    description={
                      <p>
                        The applier tries it at once, from its first attempt. If the cause is not
                        fixed it fails again, and is parked again after its attempts.
                      </p>
                    }
                    confirmLabel="Try again"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
