import { hashPassword } from "@/lib/auth/password";
import { UserError } from "@/lib/errors";
import { passwordProblem } from "./password-policy";

/** A password a member chose, checked against the policy (a sentence on the field) and hashed. */
export async function hashNewPassword(password: string, loginId: string): Promise<string> {
  const problem = passwordProblem(password, loginId);
  if (problem) throw new UserError("invalid", problem, "password");
  return hashPassword(password);
}
