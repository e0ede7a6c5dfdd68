import { run } from "@zootools/email-spell-checker";
import { editDistance } from "./edit-distance";
import { domainOf, localPartOf, normaliseAddress } from "./normalise";
import { syntaxProblem } from "./syntax";

// Providers our members use. Look-alikes that are real providers (mail.com, email.com, ...) are
// listed too, so that they count as known and are never "corrected" to gmail.com.
export const KNOWN_DOMAINS: readonly string[] = [
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "ymail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "aol.com",
  "protonmail.com",
  "proton.me",
  "mail.com",
  "email.com",
  "gmx.com",
  "gmx.net",
  "gmx.de",
  "web.de",
  "docomo.ne.jp",
  "ezweb.ne.jp",
  "au.com",
  "softbank.ne.jp",
  "i.softbank.jp",
  "ymobile.ne.jp",
  "yahoo.co.jp",
  "outlook.jp",
  "hotmail.co.jp",
  "live.jp",
  "nifty.com",
  "biglobe.ne.jp",
  "ocn.ne.jp",
  "so-net.ne.jp",
  "plala.or.jp",
];
const KNOWN = new Set(KNOWN_DOMAINS);

// Brands that really exist under many country endings (yahoo.fr, hotmail.de, live.jp): with one of
// these first labels and a listed ending the library leaves the domain alone.
const BRANDS_WITH_COUNTRY_DOMAINS = ["yahoo", "hotmail", "outlook", "live", "msn"];

const TOP_LEVEL_DOMAINS = [
  ...["com", "net", "org", "edu", "gov", "info", "biz", "me", "io", "co", "app", "dev"],
  ...["jp", "co.jp", "ne.jp", "or.jp", "ac.jp", "ad.jp", "ed.jp", "go.jp", "gr.jp", "lg.jp"],
  ...["uk", "co.uk", "de", "fr", "it", "es", "nl", "be", "ch", "at", "se", "no", "dk", "fi"],
  ...["ie", "pl", "cz", "ru", "ca", "us", "mx", "br", "ar", "cl", "au", "com.au", "nz"],
  ...["co.nz", "cn", "hk", "tw", "com.tw", "kr", "co.kr", "sg", "in", "ph", "za", "eu"],
];

/**
 * The address with its domain corrected to the provider it most likely meant
 * (taro@gmial.com -> taro@gmail.com), or null when the domain is known or not close to one.
 */
export function suggestDomain(address: string): string | null {
  const normalised = normaliseAddress(address);
  if (normalised === null) return null;
  const local = localPartOf(normalised);
  const domain = domainOf(normalised);
  if (KNOWN.has(domain)) return null;
  // The library lower-cases the whole address; we keep the local part exactly as it was typed.
  const found = run({
    email: `x@${domain}`,
    domains: [...KNOWN_DOMAINS],
    secondLevelDomains: BRANDS_WITH_COUNTRY_DOMAINS,
    topLevelDomains: TOP_LEVEL_DOMAINS,
    distanceFunction: editDistance,
    domainThreshold: 2,
    secondLevelThreshold: 1,
    topLevelThreshold: 1,
  });
  if (!found || !isLikelyTypo(domain, found.domain)) return null;
  // Fixing the domain of an address whose local part is bad would still leave it unusable.
  const suggestion = `${local}@${found.domain}`;
  return syntaxProblem(suggestion) === null ? suggestion : null;
}

/**
 * The library measures the whole domain against one threshold, which turns love.com into live.com
 * and ab.com into au.com. We accept only a known provider, with few edits in its name (none for
 * names of four letters or fewer, whose neighbours are mostly real domains) and one in the ending.
 */
function isLikelyTypo(typed: string, suggested: string): boolean {
  if (!KNOWN.has(suggested)) return false;
  const [typedName, typedRest] = splitFirstLabel(typed);
  const [name, rest] = splitFirstLabel(suggested);
  const nameEdits = editDistance(typedName, name);
  const allowed = name.length <= 4 ? 0 : name.length <= 7 ? 1 : 2;
  return nameEdits <= allowed && editDistance(typedRest, rest) <= 1;
}

function splitFirstLabel(domain: string): [string, string] {
  const dot = domain.indexOf(".");
  return dot < 0 ? [domain, ""] : [domain.slice(0, dot), domain.slice(dot + 1)];
}
