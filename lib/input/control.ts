/**
 * Invisible control characters at the input boundary: every form (lib/web/action), every query
 * parameter a page or route reads, every cell of an uploaded member list, every message body.
 * PostgreSQL cannot store NUL in text at all (22021), and the others are never meant: they come
 * from pasted text, broken files or probing. Tab, line feed and carriage return are text.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

export function stripControlCharacters(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, "") : text;
}

/** What a form field says when it had some: they are gone from what is shown again. */
export const CONTROL_FIELD_MESSAGE =
  "This contained an invisible control character (such as a NUL byte), which we removed. Check what is left and send it again.";
export const CONTROL_FORM_MESSAGE =
  "Part of what was sent contained invisible control characters (such as a NUL byte), which we cannot store. We removed them: check the fields and send the form again.";
/** For a search or filter that was cleaned and used. */
export const CONTROL_QUERY_MESSAGE =
  "Invisible control characters (such as a NUL byte) were removed from the search.";

/** A copy of a form with every text value cleaned, and the names of the fields that needed it. */
export function cleanForm(formData: FormData): { form: FormData; dirty: string[] } {
  const form = new FormData();
  const dirty = new Set<string>();
  for (const [key, value] of formData) {
    if (typeof value === "string" && hasControlCharacters(value)) {
      dirty.add(key);
      form.append(key, stripControlCharacters(value));
    } else {
      form.append(key, value);
    }
  }
  return { form, dirty: [...dirty] };
}

type Params = Record<string, string | string[] | undefined>;

/** Query parameters (a page's `searchParams`) with every value cleaned. */
export function cleanParams<P extends Params>(params: P): { params: P; dirty: string[] } {
  const dirty: string[] = [];
  const clean: Params = {};
  for (const [key, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    if (values.some(hasControlCharacters)) dirty.push(key);
    clean[key] = Array.isArray(value)
      ? value.map(stripControlCharacters)
      : value === undefined
        ? undefined
        : stripControlCharacters(value);
  }
  return { params: clean as P, dirty };
}
