import Link from "next/link";

/** Previous and next links with where we are; nothing when there is one page. */
export function Pager({
  page,
  pages,
  href,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
}) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
      {page > 1 ? (
        <Link className="text-brand-700 underline" href={href(page - 1)} rel="prev">
          ← Newer
        </Link>
      ) : (
        <span className="text-slate-400">← Newer</span>
      )}
      <span className="text-slate-600">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link className="text-brand-700 underline" href={href(page + 1)} rel="next">
          Older →
        </Link>
      ) : (
        <span className="text-slate-400">Older →</span>
      )}
    </nav>
  );
}
