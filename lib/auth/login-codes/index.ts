/**
 * Login codes, the second step after a correct password when the tenant asks for it (or an operator
 * requires it for its admins). The one owner of `login_codes`; only hashes are stored.
 * - setting.ts: the tenant's switches (and whether a member needs a code);
 * - codes.ts: the e-mailed 6-digit code (issue, resend, verify);
 * - bypass.ts: the one-time bypass code an admin hands a member whose code cannot reach them.
 */
export { codeRequired, loginCodeSettings, requireCodesForAdmins, setLoginCodes } from "./setting";
export {
  challengeView,
  CODE_TRIES,
  CODE_VALID_MS,
  resendCode,
  RESEND_COOL_DOWN_MS,
  startChallenge,
  UNDELIVERABLE_TEXT,
  verifyCode,
  type ChallengeView,
  type CodeOutcome,
  type Undeliverable,
} from "./codes";
export { BYPASS_VALID_MS, issueBypassCode } from "./bypass";
