package universe


// The scalar part of the prelude: conversions, helpers, now() and yield().
// Table functions are declared in tables.flux.

// true and false are the two bool values (identifiers of the prelude, as in Flux).
builtin true : bool
builtin false : bool

// now returns the time the program runs at. It is fixed for one run, can be pinned with
// `promflux run --now`, and is replaced by `option now = () => 2030-01-01T00:00:00Z`.
builtin now : () => time

// location is the default time zone of the date functions: a record {zone, offset} (an IANA
// zone name and a fixed offset added to it). Set it with `option location = timezone.location(name: "Europe/Paris")`.
option location = {zone: "UTC", offset: 0h}

// string converts v to a string: ints and uints in decimal, floats in their shortest exact
// decimal form (no exponent), times in RFC3339 with nanoseconds, durations in Flux syntax.
builtin string : (v: A) => string

// int converts v to an int: floats truncate toward zero, strings are parsed as decimal,
// bools are 1 or 0, times are nanoseconds since the epoch, durations are nanoseconds, uints
// are reinterpreted as signed 64-bit. Out-of-range values are an error.
builtin int : (v: A) => int

// uint converts v to a uint (64-bit unsigned); ints are reinterpreted (so -1 becomes
// 18446744073709551615).
builtin uint : (v: A) => uint

// float converts v to a float; strings may be decimal, exponent form, "NaN", "+Inf" or "-Inf".
builtin float : (v: A) => float

// bool converts "true"/"false" (and Go's other spellings: "1", "t", "T", "TRUE", "True", ...)
// or the numbers 0 and 1 to a bool.
builtin bool : (v: A) => bool

// time converts an RFC3339 string or an int of nanoseconds since the epoch to a time.
builtin time : (v: A) => time

// duration converts a string in Flux duration syntax ("1h30m", "-2mo") or an int of
// nanoseconds to a duration.
builtin duration : (v: A) => duration

// bytes converts a string to its UTF-8 bytes.
builtin bytes : (v: A) => bytes

// display returns the Flux-syntax text of any value (records, arrays and dicts included).
builtin display : (v: A) => string

// length returns the number of elements of an array.
builtin length : (arr: [A]) => int

// contains reports whether value is an element of set.
builtin contains : (value: A, set: [A]) => bool

// die stops the program with an error carrying msg.
builtin die : (msg: string) => A

// yield names a stream of tables as a result of the program (default "_result") and passes
// it through unchanged.
builtin yield : (<-tables: stream[A], ?name: string) => stream[A]
