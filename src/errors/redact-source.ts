// Credentials written in a script are masked in the source lines that diagnostics quote under
// their caret, so `promflux run`, `task run`, `promflux test` and the REPL never print them
// (an error on a scrape line would otherwise show its password to whoever reads the terminal
// or the CI log).
// Each masked character becomes `*`, so every caret stays under the code it points at.
//
// Masked: the password of URL userinfo (`http://user:PASSWORD@host`, as Prometheus hides it
// in the URLs it shows), and string literals given to a name that holds a credential
// (`token`, `bearerToken`, `password`, `secret`, `apiKey`, `Authorization`, in a record,
// a call's arguments or an assignment), and the values of URL query parameters named like a
// credential (`?token=`, `&password=`, `&p=`: InfluxDB 1.x takes `u` and `p` in the query).

const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s"/@:]*:)([^\s"/@]+)(@)/gi;
const CREDENTIAL = /(\b\w*(?:token|password|passwd|secret|api_?key)\w*"?|"?\bauthorization"?)(\s*(?::|=(?!=))\s*)"((?:[^"\\\n]|\\.)*)"/gi;

const QUERY_SECRET = /([?&](?:[\w.-]*(?:token|secret|passw|pwd|auth|signature|credential|api[-_]?key)[\w.-]*|key|sig|p)=)([^&#\s"\\]+)/gi;

const stars = (s: string) => '*'.repeat(s.length);

/** `source` with credentials replaced by as many `*` (same length, same lines and columns). */
export function redactSource(source: string): string {
  return source
    .replace(USERINFO, (_, head: string, pw: string, at: string) => head + stars(pw) + at)
    .replace(QUERY_SECRET, (_, head: string, value: string) => head + stars(value))
    .replace(CREDENTIAL, (_, name: string, sep: string, value: string) => `${name}${sep}"${stars(value)}"`);
}
