/** The parts of every GET filter form above a list: labelled selects and the button that applies them. */

export type Choice = readonly [value: string, label: string];

export function FilterSelect({
  label,
  name,
  defaultValue,
  choices,
  wide,
}: {
  label: string;
  name: string;
  defaultValue: string | null | undefined;
  choices: readonly Choice[];
  /** Long labels (reasons, audit actions): at most 20rem wide, so the form still fits a phone. */
  wide?: boolean;
}) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <select
        name={name}
        defaultValue={defaultValue ?? ""}
        className={`min-h-10 rounded-md border border-slate-300 bg-white px-2 text-sm${wide ? " max-w-[20rem]" : ""}`}
      >
        {choices.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function FilterButton({ children = "Show" }: { children?: string }) {
  return (
    <button
      type="submit"
      className="min-h-10 rounded-md bg-brand-600 px-4 text-sm font-medium text-white"
    >
      {children}
    </button>
  );
}
