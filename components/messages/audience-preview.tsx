import Link from "next/link";
import { Badge } from "../badge";
import { Stat, stacked } from "../ui";
import { UNREACHABLE_WORD, type AudiencePreview } from "@/lib/messages/preview";

/** The recipient count, how many can be told by e-mail, and who cannot, listed. */
export function AudiencePreviewCard({
  preview,
  membersPath,
}: {
  preview: AudiencePreview;
  membersPath: string;
}) {
  return (
    <div className="mt-4" data-testid="audience-preview">
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Stat label="Recipients" value={preview.total.toLocaleString("en")} />
        <Stat label="Can be told by e-mail" value={preview.reachable.toLocaleString("en")} />
        <Stat
          label="Cannot be told by e-mail"
          value={preview.unreachableCount.toLocaleString("en")}
        />
      </dl>
      {preview.total === 0 && (
        <p className="mt-3 text-sm text-slate-700">
          Nobody is in this selection. Choose other members.
        </p>
      )}
      {preview.unreachableCount > 0 && (
        <div className="mt-4">
          <h3 className="text-sm font-medium">Tell these members another way</h3>
          <p className="text-sm text-slate-600">
            The message reaches their box, but no notice can reach them by e-mail.
            {preview.unreachableCount > preview.unreachable.length &&
              ` The first ${preview.unreachable.length} of ${preview.unreachableCount.toLocaleString("en")} are shown.`}
          </p>
          <table className={`mt-2 ${stacked.table}`}>
            <thead className={stacked.head}>
              <tr>
                <th className="py-2 pr-3 font-medium">Login ID</th>
                <th className="py-2 pr-3 font-medium">Name</th>
                <th className="py-2 pr-3 font-medium">Why</th>
              </tr>
            </thead>
            <tbody className={stacked.body}>
              {preview.unreachable.map((u) => (
                <tr key={u.id} className={stacked.row}>
                  <td className={`${stacked.cell} font-mono`} data-label="Login ID">
                    <Link className="text-brand-700 underline" href={`${membersPath}/${u.id}`}>
                      {u.loginId}
                    </Link>
                  </td>
                  <td className={`${stacked.cell} break-words`} data-label="Name">
                    {u.name}
                  </td>
                  <td className={stacked.cell} data-label="Why">
                    <Badge tone="warn">{UNREACHABLE_WORD[u.why]}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
