/** Signs in through Auth.js's credentials endpoint, as the login form does; returns the cookies. */
export async function signIn(
  baseUrl: string,
  scope: string,
  loginId: string,
  password: string,
): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  keep(csrf);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({
      csrfToken,
      scope,
      loginId,
      password,
      callbackUrl: `${baseUrl}/t/${scope}/admin`,
    }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.startsWith("authjs.session-token")))
    throw new Error(`sign-in failed: ${res.status} ${res.headers.get("location") ?? ""}`);
  return cookie();
}
