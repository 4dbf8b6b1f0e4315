package regexp


// Regular expressions use RE2 syntax (the Go regexp package). promflux runs them on
// JavaScript's engine after translating them (see src/values/regexp.ts); a pattern that
// cannot keep its RE2 meaning there is rejected with a clear error. Offsets are in bytes.

// compile parses v as a regular expression.
builtin compile : (v: string) => regexp

// matchRegexpString reports whether v contains a match of r.
builtin matchRegexpString : (r: regexp, v: string) => bool

// findString returns the first match of r in v, or "" when there is none.
builtin findString : (r: regexp, v: string) => string

// findStringIndex returns the byte offsets [start, end] of the first match of r in v, or [].
builtin findStringIndex : (r: regexp, v: string) => [int]

// replaceAllString replaces every match of r in v with t, where $1, ${1} and ${name} expand
// to capture groups (Go's Regexp.ReplaceAllString).
builtin replaceAllString : (r: regexp, v: string, t: string) => string

// splitRegexp splits v around matches of r into at most i parts (all when i < 0).
builtin splitRegexp : (r: regexp, v: string, i: int) => [string]

// quoteMeta escapes every regular-expression metacharacter in v.
builtin quoteMeta : (v: string) => string

// getString returns the source text of r.
builtin getString : (r: regexp) => string
