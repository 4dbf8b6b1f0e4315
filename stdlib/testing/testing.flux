package testing


import c "csv"

// tags lists the tags of a testcase; `promflux test` skips a testcase tagged "skip".
option tags = []

// load is applied by tests to their input data (the identity by default).
option load = (tables=<-) => tables

// loadMem reads annotated CSV input data into a stream of tables.
loadMem = (csv) => c.from(csv: csv)

// loadStorage reads annotated CSV input data as if it came from storage: the tables get
// _start and _stop columns (in their group keys) spanning every time a test uses.
loadStorage = (csv) => c.from(csv: csv) |> range(start: 1800-01-01T00:00:00Z, stop: 2200-12-31T11:59:59Z)

// diff compares two streams of tables. Tables are matched by group key, columns by name
// and rows in order; floats are equal within epsilon (default 1e-6), and NaN equals NaN
// unless nansEqual is false. The result holds, per table that differs, the differing rows
// with a leading _diff column: "-" for a row of want, "+" for a row of got. Equal streams
// give no tables. verbose is accepted for compatibility with Flux and has no effect.
//
//     testing.diff(got: got, want: want)
builtin diff : (
        <-got: stream[A],
        want: stream[A],
        ?verbose: bool,
        ?epsilon: float,
        ?nansEqual: bool,
    ) => stream[{A with _diff: string}]
    where
    A: Record

// assertEquals passes got through when it equals want (by the rules of diff) and fails
// with the differing rows otherwise.
builtin assertEquals : (name: string, <-got: stream[A], want: stream[A]) => stream[A] where A: Record

// assertEmpty passes its input through when no table has a row and fails otherwise.
builtin assertEmpty : (<-tables: stream[A]) => stream[A] where A: Record

// shouldError calls fn (reading its result when it is a stream) and fails unless that
// raises an error whose message matches want.
//
//     testing.shouldError(fn: () => die(msg: "boom"), want: /boom/)
builtin shouldError : (fn: () => A, want: regexp) => {}
