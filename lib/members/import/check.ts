/** Checking an import's rows against the file and the tenant as it is now. */
import { pgOf, type Executor } from "@/db/client";
import { jsonList } from "@/db/in-list";
import type { User } from "@/db/schema";
import { domainOf, normaliseAddress, syntaxProblem } from "@/lib/address";
import { defaultDomainChecker } from "@/lib/address/domain-verdict";
import { normaliseLoginId } from "@/lib/auth/login-id";
import { suppressedAmong } from "@/lib/suppressions";
import type { ImportRow, OnProgress } from "./rows";
import { validateRows, type ImportMode, type ValidatedRow } from "./validate";

const COLUMNS = { loginId: 0, name: 1, email: 2 } as const;

/** Lets a progress event reach the browser before a stretch of synchronous work. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the tenant holds of the given login IDs (normalised) and addresses: the facts that change. */
async function tenantFacts(
  tx: Executor,
  tenantId: string,
  loginKeys: readonly string[],
  addresses: readonly string[],
): Promise<{ taken: { key: string; role: User["role"] }[]; suppressed: ReadonlySet<string> }> {
  const [taken, suppressed] = await Promise.all([
    pgOf(tx)<{ key: string; role: User["role"] }[]>`
      select lower(login_id) as key, role from users
      where tenant_id = ${tenantId}
        and lower(login_id) in (select json_array_elements_text(${jsonList(loginKeys)}::text::json))`,
    suppressedAmong(tx, tenantId, addresses),
  ]);
  return { taken, suppressed: new Set(suppressed.keys()) };
}

/**
 * Whether the tenant changed under the accepted rows since they were checked: a login ID taken or
 * freed, an administrator's ID, an address suppressed. Two queries, no re-validation: what else
 * decides a row's outcome (the file, syntax, domains) has not changed.
 */
export async function acceptedRowsChanged(
  tx: Executor,
  tenantId: string,
  rows: readonly ImportRow[],
): Promise<boolean> {
  const accepted = rows.filter((row) => row.status !== "error");
  const { taken, suppressed } = await tenantFacts(
    tx,
    tenantId,
    accepted.map((row) => normaliseLoginId(row.loginId)),
    accepted.flatMap((row) => (row.email ? [row.email] : [])),
  );
  if (suppressed.size > 0) return true;
  const roles = new Map(taken.map((member) => [member.key, member.role]));
  return accepted.some((row) => {
    const role = roles.get(normaliseLoginId(row.loginId));
    const wasTaken = row.problems.some((problem) => problem.code === "duplicate_in_tenant");
    return (role !== undefined) !== wasTaken || (role !== undefined && role !== "learner");
  });
}

/**
 * Checks every row against the file and the tenant as it is now: login IDs taken (and whose),
 * addresses suppressed, domains that do not exist. Reads only what the rows name.
 */
export async function checkRows(
  tx: Executor,
  tenantId: string,
  mode: ImportMode,
  rows: readonly { loginId: string; name: string; rawEmail: string; line: number }[],
  onProgress: OnProgress = () => {},
): Promise<ValidatedRow[]> {
  const input = rows.map((row) => [row.loginId, row.name, row.rawEmail]);
  const loginKeys = [
    ...new Set(input.map(([loginId]) => normaliseLoginId(loginId!)).filter(Boolean)),
  ];
  // Usable addresses and their domains, normalised once.
  const addresses = new Set<string>();
  const domainSet = new Set<string>();
  for (const [, , raw] of input) {
    const address = raw ? normaliseAddress(raw.trim()) : null;
    if (address && syntaxProblem(address) === null) {
      addresses.add(address);
      domainSet.add(domainOf(address));
    }
  }
  const domains = [...domainSet];
  onProgress({ phase: `Checking ${domains.length.toLocaleString("en")} mail domains` });
  const [{ taken, suppressed }, verdicts] = await Promise.all([
    tenantFacts(tx, tenantId, loginKeys, [...addresses]),
    defaultDomainChecker().verdicts(domains),
  ]);
  onProgress({ phase: "Checking rows", total: rows.length });
  await tick();
  return validateRows(input, COLUMNS, {
    mode,
    existingLoginIds: new Set(taken.map((t) => t.key)),
    adminLoginIds: new Set(taken.filter((t) => t.role !== "learner").map((t) => t.key)),
    suppressed,
    domainVerdicts: verdicts,
    lines: rows.map((row) => row.line),
  });
}

export function withInput(
  validated: readonly ValidatedRow[],
  previous: readonly { rawEmail: string; fixed?: true }[],
): ImportRow[] {
  return validated.map((row, i) => {
    const { rawEmail, fixed } = previous[i]!;
    return fixed ? { ...row, rawEmail, fixed } : { ...row, rawEmail };
  });
}
