/** The fuzz suite's fixed seed (deterministic in CI); FUZZ_SEED replays another. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);
