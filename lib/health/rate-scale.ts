/**
 * The scale of a rate chart (components/health/charts): its lines are the scale, with ticks at 0
 * and at each line, so an hour with no mail still shows where the guard and SES act; an hour above
 * every line gets a tick of its own, or the chart would draw it at the top with no figure. Pure.
 */
export type RateScale<Line extends { value: number }> = {
  /** The axis's top: a little above the highest line or hour. */
  top: number;
  ticks: number[];
  /** The highest hour's rate and its index in the series, or null when no hour had mail. */
  peak: { rate: number; index: number } | null;
  /** Whether that hour is above every line. */
  aboveLines: boolean;
  /** The line with the highest value (the first of equals), or null without lines. */
  highestLine: Line | null;
};

export function rateScale<Line extends { value: number }>(
  rates: readonly (number | null)[],
  lines: readonly Line[],
): RateScale<Line> {
  let peak: RateScale<Line>["peak"] = null;
  for (let index = 0; index < rates.length; index++) {
    const rate = rates[index];
    if (rate != null && Number.isFinite(rate) && (peak === null || rate > peak.rate))
      peak = { rate, index };
  }
  let highestLine: Line | null = null;
  for (const line of lines)
    if (highestLine === null || line.value > highestLine.value) highestLine = line;
  const highest = highestLine?.value ?? 0;
  const aboveLines = peak !== null && peak.rate > highest;
  const ticks = [
    ...new Set([0, ...lines.map((l) => l.value), ...(aboveLines ? [peak!.rate] : [])]),
  ].sort((a, b) => a - b);
  return {
    top: Math.max(highest, peak?.rate ?? 0) * 1.15 || 0.01,
    ticks,
    peak,
    aboveLines,
    highestLine,
  };
}
