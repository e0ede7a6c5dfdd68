/**
 * The fuzz suite's one way to run a property: a fixed seed (printed, so a failure replays with
 * FUZZ_SEED), a bounded number of cases per property (FUZZ_RUNS multiplies them), and a count of
 * the cases tried, printed per property and as a total per file. `npm run fuzz` also collects the
 * counts in FUZZ_SUMMARY and prints the grand total.
 */
import { appendFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, expect } from "vitest";
import { FUZZ_SEED } from "./seed";

export { FUZZ_SEED };

const SCALE = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1) || 1);

const counts: { name: string; cases: number }[] = [];

afterAll(() => {
  if (counts.length === 0) return;
  const total = counts.reduce((sum, c) => sum + c.cases, 0);
  console.log(
    `fuzz total: ${total} cases in ${counts.length} properties (seed ${FUZZ_SEED}, FUZZ_RUNS ${SCALE})`,
  );
});

/**
 * Runs `check` on `runs` generated values (times FUZZ_RUNS), the `examples` first: the regression
 * corpus, tried on every run. Throws fast-check's report (seed, path, the shrunk counterexample).
 */
export async function fuzz<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => void | Promise<void>,
  options: { runs: number; examples?: NoInfer<T>[] },
): Promise<number> {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      cases += 1;
      await check(value);
    }),
    {
      seed: FUZZ_SEED,
      // Examples count as runs in fast-check: `runs` generated cases come on top of them.
      numRuns: options.runs * SCALE + (options.examples?.length ?? 0),
      examples: (options.examples ?? []).map((e) => [e] as [T]),
    },
  );
  counts.push({ name, cases });
  console.log(`fuzz: ${name}: ${cases} cases`);
  if (process.env.FUZZ_SUMMARY) appendFileSync(process.env.FUZZ_SUMMARY, `${cases}\t${name}\n`);
  return cases;
}

/**
 * A sentence a person can act on: starts with a capital or a digit, ends with a full stop, says
 * more than a word, and leaks no programming detail.
 */
export function expectSentence(message: unknown, context = ""): void {
  expect(typeof message, context).toBe("string");
  const text = message as string;
  expect(text, context).toMatch(/^["“A-Z0-9][\s\S]{5,}[.!?)]$/);
  expect(text, context).not.toMatch(
    /undefined|\[object |NaN|TypeError|RangeError|SyntaxError|ECONN|stack|at \w+ \(/,
  );
}
