/** Shown while a signed-in page loads: the shape of the page, announced to screen readers. */
export function PageLoading({ label }: { label: string }) {
  return (
    <div className="mx-auto max-w-5xl px-4 py-6" role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      <div className="h-8 w-48 animate-pulse rounded bg-slate-200" />
      <div className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="h-20 animate-pulse rounded-lg bg-slate-200" />
        ))}
      </div>
    </div>
  );
}
