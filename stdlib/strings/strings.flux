package strings


// String functions. Strings are UTF-8: lengths and substring positions count Unicode
// characters (runes), while index, lastIndex and indexAny return byte offsets as Go does.

// toUpper returns v with all letters in upper case.
builtin toUpper : (v: string) => string

// toLower returns v with all letters in lower case.
builtin toLower : (v: string) => string

// toTitle returns v with all letters mapped to title case (upper case).
builtin toTitle : (v: string) => string

// title returns v with the first letter of each word in upper case.
builtin title : (v: string) => string

// trimSpace removes leading and trailing white space.
builtin trimSpace : (v: string) => string

// trim removes leading and trailing characters contained in cutset.
builtin trim : (v: string, cutset: string) => string

// trimLeft removes leading characters contained in cutset.
builtin trimLeft : (v: string, cutset: string) => string

// trimRight removes trailing characters contained in cutset.
builtin trimRight : (v: string, cutset: string) => string

// trimPrefix removes prefix from the start of v when v starts with it.
builtin trimPrefix : (v: string, prefix: string) => string

// trimSuffix removes suffix from the end of v when v ends with it.
builtin trimSuffix : (v: string, suffix: string) => string

// hasPrefix reports whether v starts with prefix.
builtin hasPrefix : (v: string, prefix: string) => bool

// hasSuffix reports whether v ends with suffix.
builtin hasSuffix : (v: string, suffix: string) => bool

// containsStr reports whether substr occurs in v.
builtin containsStr : (v: string, substr: string) => bool

// containsAny reports whether any character of chars occurs in v.
builtin containsAny : (v: string, chars: string) => bool

// equalFold reports whether v and t are equal ignoring case.
builtin equalFold : (v: string, t: string) => bool

// compare returns 0 when v == t, -1 when v < t and 1 when v > t.
builtin compare : (v: string, t: string) => int

// countStr counts the non-overlapping occurrences of substr in v.
builtin countStr : (v: string, substr: string) => int

// index returns the byte offset of the first occurrence of substr in v, or -1.
builtin index : (v: string, substr: string) => int

// lastIndex returns the byte offset of the last occurrence of substr in v, or -1.
builtin lastIndex : (v: string, substr: string) => int

// indexAny returns the byte offset of the first character of v contained in chars, or -1.
builtin indexAny : (v: string, chars: string) => int

// replace replaces the first i non-overlapping occurrences of t with u (all when i < 0).
builtin replace : (v: string, t: string, u: string, i: int) => string

// replaceAll replaces every non-overlapping occurrence of t with u.
builtin replaceAll : (v: string, t: string, u: string) => string

// split splits v around each occurrence of t (into characters when t is "").
builtin split : (v: string, t: string) => [string]

// splitN splits v around occurrences of t into at most i parts (all when i < 0, none when i = 0).
builtin splitN : (v: string, t: string, i: int) => [string]

// splitAfter splits v after each occurrence of t.
builtin splitAfter : (v: string, t: string) => [string]

// joinStr joins the elements of arr with v between them.
builtin joinStr : (arr: [string], v: string) => string

// repeat returns v repeated i times; i must not be negative.
builtin repeat : (v: string, i: int) => string

// substring returns the characters of v from start (inclusive) to end (exclusive).
// It is an error when start < 0, end > strlen(v) or start > end.
builtin substring : (v: string, start: int, end: int) => string

// strlen returns the number of characters (runes) of v.
builtin strlen : (v: string) => int

// isDigit reports whether v is a single decimal digit character.
builtin isDigit : (v: string) => bool

// isLetter reports whether v is a single letter.
builtin isLetter : (v: string) => bool

// isLower reports whether v is a single lower-case letter.
builtin isLower : (v: string) => bool

// isUpper reports whether v is a single upper-case letter.
builtin isUpper : (v: string) => bool

// isSpace reports whether v is a single white-space character.
builtin isSpace : (v: string) => bool
