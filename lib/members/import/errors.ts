import { UserError } from "@/lib/errors";

/**
 * An upload that cannot be imported at all (not a row problem). The message is a sentence the
 * admin can act on and is shown as it is.
 */
export class ImportError extends UserError {
  override name = "ImportError";
  constructor(message: string) {
    super("invalid", message, "file");
  }
}

export const NOT_A_SPREADSHEET =
  "This file is not a CSV or Excel file. Save it as CSV (UTF-8) or .xlsx and upload it again.";
