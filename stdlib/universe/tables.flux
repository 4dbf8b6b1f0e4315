package universe


// Table functions of the universe package (implemented in src/stdlib/universe/).
// Every transformation reads a stream of tables and returns a new stream; group keys are
// kept unless the documentation of a function says otherwise.

// range keeps the rows whose time column lies in [start, stop) and sets the _start and
// _stop columns (added to the group key) to those bounds.
// start and stop are times, durations relative to now() (`-1h`), or ints of Unix seconds;
// stop defaults to now().
builtin range : (
        <-tables: stream[A],
        start: B,
        ?stop: C,
        ?timeColumn: string,
        ?startColumn: string,
        ?stopColumn: string,
    ) => stream[D]
    where
    A: Record,
    D: Record

// filter keeps the rows for which fn returns true (null counts as false).
// onEmpty is "drop" (the default: a table left without rows disappears) or "keep".
builtin filter : (<-tables: stream[A], fn: (r: A) => bool, ?onEmpty: string) => stream[A] where A: Record

// map replaces each row with the record fn returns. Group-key columns missing from the
// result leave the group key; rows whose key values change are regrouped. A column that is
// null in every row of a table has the type of its expression (`if r._value > 0.0 then 1.0
// else r.nope` gives a float column); a value that is null whatever the row (`r.nope`)
// gives no column.
builtin map : (<-tables: stream[A], fn: (r: A) => B, ?mergeKey: bool) => stream[B] where A: Record, B: Record

// reduce aggregates the rows of each table with fn, starting from identity: the output is
// one row per table with the group-key columns and the fields of the final accumulator
// (sorted by name). A field named like a key column overwrites it (changing the key).
builtin reduce : (<-tables: stream[B], fn: (r: B, accumulator: A) => A, identity: A) => stream[C]
    where
    A: Record,
    B: Record,
    C: Record

// keep keeps only the named columns (or those for which fn returns true).
builtin keep : (<-tables: stream[A], ?columns: [string], ?fn: (column: string) => bool) => stream[B]
    where
    A: Record,
    B: Record

// drop removes the named columns (or those for which fn returns true). Columns that do not
// exist are ignored. Dropping a group-key column removes it from the key.
builtin drop : (<-tables: stream[A], ?columns: [string], ?fn: (column: string) => bool) => stream[B]
    where
    A: Record,
    B: Record

// rename renames columns: `columns` maps old names to new names, or fn maps each name.
// Renaming a column that does not exist is an error.
builtin rename : (<-tables: stream[A], ?columns: B, ?fn: (column: string) => string) => stream[C]
    where
    A: Record,
    B: Record,
    C: Record

// duplicate copies column `column` into a new column `as` (replacing `as` if it exists).
builtin duplicate : (<-tables: stream[A], column: string, as: string) => stream[B] where A: Record, B: Record

// set writes the string `value` into column `key` of every row (a group-key column keeps
// its place in the key, with the new value).
builtin set : (<-tables: stream[A], key: string, value: string) => stream[A] where A: Record

// group regroups rows by the values of `columns` (mode "by", the default) or of every
// column except `columns` (mode "except"). group() puts every row into one table.
builtin group : (<-tables: stream[A], ?columns: [string], ?mode: string) => stream[A] where A: Record

// sort orders the rows of each table by `columns` (default ["_value"]), stable; nulls sort
// last (first with desc: true).
builtin sort : (<-tables: stream[A], ?columns: [string], ?desc: bool) => stream[A] where A: Record

// limit keeps the first n rows of each table, after skipping `offset` rows.
builtin limit : (<-tables: stream[A], n: int, ?offset: int) => stream[A]

// tail keeps the last n rows of each table, after skipping `offset` rows from the end.
builtin tail : (<-tables: stream[A], n: int, ?offset: int) => stream[A]

// first selects the first row whose `column` (default "_value") is not null.
builtin first : (<-tables: stream[A], ?column: string) => stream[A] where A: Record

// last selects the last row whose `column` is not null.
builtin last : (<-tables: stream[A], ?column: string) => stream[A] where A: Record

// min selects the row with the smallest `column` value (the first one on ties).
builtin min : (<-tables: stream[A], ?column: string) => stream[A] where A: Record

// max selects the row with the largest `column` value (the first one on ties).
builtin max : (<-tables: stream[A], ?column: string) => stream[A] where A: Record

// mean returns, per table, the group-key columns and the float average of `column`
// (null when the table has no non-null value).
builtin mean : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// sum returns the sum of `column` (of its own type), null when there is no value.
builtin sum : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// count returns the number of non-null values of `column`, as an int (0 for an empty table).
builtin count : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// spread returns max - min of `column` (int for int, uint for uint, float for float).
builtin spread : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// stddev returns the standard deviation of `column`; mode "sample" (default) or "population".
builtin stddev : (<-tables: stream[A], ?column: string, ?mode: string) => stream[B] where A: Record, B: Record

// quantile returns the q-th quantile (0 <= q <= 1) of `column`. method: "estimate_tdigest"
// (the default, computed here exactly like "exact_mean"), "exact_mean" (interpolates
// between the two closest values), or "exact_selector" (a selector: returns the row
// holding the smallest value with at least q of the values at or below it).
builtin quantile : (
        <-tables: stream[A],
        q: float,
        ?column: string,
        ?method: string,
        ?compression: float,
    ) => stream[A]
    where
    A: Record

// mode returns the most frequent non-null values of `column` in `_value`, sorted, one row
// each; null when every distinct value occurs equally often (there is no mode).
builtin mode : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// integral returns the area under `column` over time (trapezoidal rule), in `unit`s
// (default 1s). Only interpolate: "" is supported ("linear" is an unimplemented error).
builtin integral : (
        <-tables: stream[A],
        ?unit: duration,
        ?timeColumn: string,
        ?column: string,
        ?interpolate: string,
    ) => stream[B]
    where
    A: Record,
    B: Record

// window splits each table into windows of `every` (period defaults to every), aligned to
// the Unix epoch plus `offset`, setting _start and _stop (in the group key) to each
// window's bounds. createEmpty also emits windows without rows.
builtin window : (
        <-tables: stream[A],
        ?every: duration,
        ?period: duration,
        ?offset: duration,
        ?location: {zone: string, offset: duration},
        ?timeColumn: string,
        ?startColumn: string,
        ?stopColumn: string,
        ?createEmpty: bool,
    ) => stream[B]
    where
    A: Record,
    B: Record

// aggregateWindow windows each table by `every`, applies fn to each window, and writes the
// window's bound (timeSrc, default "_stop") into timeDst (default "_time"); the result has
// the original group key (plus range's _start/_stop when they were not in it). createEmpty
// (default true) emits a null-valued row for windows without data, also for selectors. A
// table with no window (no row, and with createEmpty no _start/_stop bounds) gives no table,
// whether fn is a native aggregate or a function of your own.
builtin aggregateWindow : (
        <-tables: stream[A],
        every: duration,
        fn: (<-tables: stream[B], column: string) => stream[C],
        ?period: duration,
        ?offset: duration,
        ?location: {zone: string, offset: duration},
        ?column: string,
        ?timeSrc: string,
        ?timeDst: string,
        ?createEmpty: bool,
    ) => stream[D]
    where
    A: Record,
    B: Record,
    C: Record,
    D: Record

// difference returns the difference between each value of `columns` (default ["_value"])
// and the previous non-null value; a null value gives null. The first row is dropped unless
// keepFirst (its difference is then null). nonNegative turns negative differences into
// nulls, or with initialZero into the difference from 0 (a counter reset).
builtin difference : (
        <-tables: stream[A],
        ?nonNegative: bool,
        ?columns: [string],
        ?keepFirst: bool,
        ?initialZero: bool,
    ) => stream[B]
    where
    A: Record,
    B: Record

// derivative returns the rate of change per `unit` (default 1s) of `columns` between
// consecutive rows, as floats; the first row is dropped. nonNegative turns negative rates
// into nulls, or with initialZero into the rate from 0 (a counter reset).
builtin derivative : (
        <-tables: stream[A],
        ?unit: duration,
        ?nonNegative: bool,
        ?columns: [string],
        ?timeColumn: string,
        ?initialZero: bool,
    ) => stream[B]
    where
    A: Record,
    B: Record

// cumulativeSum replaces each value of `columns` with the running sum (nulls keep the sum).
builtin cumulativeSum : (<-tables: stream[A], ?columns: [string]) => stream[B] where A: Record, B: Record

// movingAverage returns the mean of each n consecutive values of `column` (nulls skipped;
// a window of nulls gives null). A table with fewer than n rows gives its last row with the
// mean of its values.
builtin movingAverage : (<-tables: stream[A], n: int, ?column: string) => stream[B] where A: Record, B: Record

// exponentialMovingAverage returns the n-point exponential moving average of `column`
// (alpha = 2 / (n + 1), seeded with the mean of the first n values). A table with fewer
// than n rows gives its last row with the mean of its values.
builtin exponentialMovingAverage : (<-tables: stream[A], n: int, ?column: string) => stream[B]
    where
    A: Record,
    B: Record

// elapsed adds `columnName` (default "elapsed"): the int time since the previous row, in
// `unit`s (default 1s). The first row is dropped.
builtin elapsed : (<-tables: stream[A], ?unit: duration, ?timeColumn: string, ?columnName: string) => stream[B]
    where
    A: Record,
    B: Record

// timeShift adds `duration` to the time columns `columns` (default ["_start", "_stop", "_time"]).
builtin timeShift : (<-tables: stream[A], duration: duration, ?columns: [string]) => stream[A]

// truncateTimeColumn truncates `timeColumn` (default "_time") to a multiple of `unit` on the
// calendar of the `location` option, as date.truncate does (`1d`: local midnight).
builtin truncateTimeColumn : (<-tables: stream[A], unit: duration, ?timeColumn: string) => stream[A]
    where
    A: Record

// hourSelection keeps the rows whose `timeColumn` (default "_time") falls in the hours `start`
// to `stop` (both inclusive, 0-23) of the local clock of `location` (default: the `location`
// option); start > stop wraps around midnight.
builtin hourSelection : (
        <-tables: stream[A],
        start: int,
        stop: int,
        ?location: {zone: string, offset: duration},
        ?timeColumn: string,
    ) => stream[A]
    where
    A: Record

// stateCount adds `column` (default "stateCount"): how many consecutive rows so far satisfy
// fn, or -1 for a row that does not.
builtin stateCount : (<-tables: stream[A], fn: (r: A) => bool, ?column: string) => stream[B]
    where
    A: Record,
    B: Record

// stateDuration adds `column` (default "stateDuration"): the time in `unit`s since the first
// of the consecutive rows that satisfy fn, or -1 for a row that does not.
builtin stateDuration : (
        <-tables: stream[A],
        fn: (r: A) => bool,
        ?column: string,
        ?timeColumn: string,
        ?unit: duration,
    ) => stream[B]
    where
    A: Record,
    B: Record

// fill replaces null values of `column` (default "_value") with `value` (of the column's
// type) or, with usePrevious, with the previous non-null value.
builtin fill : (<-tables: stream[A], ?column: string, ?value: B, ?usePrevious: bool) => stream[C]
    where
    A: Record,
    C: Record

// distinct returns the distinct values of `column` (default "_value"), one per row, in
// the column `_value`, with the group-key columns.
builtin distinct : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// unique keeps the first row for each distinct value of `column`.
builtin unique : (<-tables: stream[A], ?column: string) => stream[A] where A: Record

// pivot turns the values of columnKey columns into column names holding valueColumn,
// one row per distinct rowKey. Key columns among rowKey/columnKey leave the group key.
builtin pivot : (<-tables: stream[A], rowKey: [string], columnKey: [string], valueColumn: string) => stream[B]
    where
    A: Record,
    B: Record

// union merges streams: tables with equal group keys are concatenated.
builtin union : (tables: [stream[A]]) => stream[A] where A: Record

// join inner-joins exactly two streams (`tables` is a record of two streams) on `on`:
// columns of the same name that are not in `on` get the suffix `_<stream name>`.
builtin join : (tables: A, ?on: [string], ?method: string) => stream[B] where A: Record, B: Record

// columns lists each table's column names in `column` (default "_value"), one per row.
builtin columns : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// keys lists each table's group-key column names in `column` (default "_value").
builtin keys : (<-tables: stream[A], ?column: string) => stream[B] where A: Record, B: Record

// keyValues returns, per table, the distinct combinations of values of keyColumns (or of
// the columns fn selects) as rows with _key (column name) and _value.
builtin keyValues : (<-tables: stream[A], ?keyColumns: [string], ?fn: (schema: [{name: string, type: string}]) => [string]) => stream[B]
    where
    A: Record,
    B: Record

// tableFind returns the first table whose group key satisfies fn; an error when none does.
builtin tableFind : (<-tables: stream[A], fn: (key: B) => bool) => stream[A] where A: Record, B: Record

// getColumn returns the values of a column of a single table (from tableFind) as an array.
builtin getColumn : (<-table: stream[A], column: string) => [B] where A: Record

// getRecord returns row idx of a single table (from tableFind) as a record.
builtin getRecord : (<-table: stream[A], idx: int) => A where A: Record

// findColumn returns column `column` of the first table whose key satisfies fn, or an
// empty array when there is none.
builtin findColumn : (<-tables: stream[A], fn: (key: B) => bool, column: string) => [C] where A: Record, B: Record

// findRecord returns row idx of the first table whose key satisfies fn, or an empty
// record when there is none.
builtin findRecord : (<-tables: stream[A], fn: (key: B) => bool, idx: int) => A where A: Record, B: Record

// histogramQuantile computes quantile q from Prometheus-style cumulative histogram rows
// (one table per histogram, upper bounds in upperBoundColumn "le" as floats or strings,
// counts in countColumn "_value"), interpolating linearly inside the bucket (the lowest
// bucket interpolates from minValue, default 0). onNonmonotonic: "error" (default),
// "force" (treat counts as monotonic), or "drop" (skip the table).
builtin histogramQuantile : (
        <-tables: stream[A],
        ?quantile: float,
        ?countColumn: string,
        ?upperBoundColumn: string,
        ?valueColumn: string,
        ?minValue: float,
        ?onNonmonotonic: string,
    ) => stream[B]
    where
    A: Record,
    B: Record

// sample keeps every n-th row of each table, starting at row `pos` (default random in Flux;
// here 0 so results are reproducible unless pos is given).
builtin sample : (<-tables: stream[A], n: int, ?pos: int, ?column: string) => stream[A] where A: Record

// top keeps the n rows with the largest `columns` values, in descending order.
top = (n, columns=["_value"], tables=<-) => tables |> sort(columns: columns, desc: true) |> limit(n: n)

// bottom keeps the n rows with the smallest `columns` values, in ascending order.
bottom = (n, columns=["_value"], tables=<-) => tables |> sort(columns: columns, desc: false) |> limit(n: n)

// median is the 0.5 quantile.
median = (method="estimate_tdigest", compression=0.0, column="_value", tables=<-) =>
    tables
        |> quantile(q: 0.5, method: method, compression: compression, column: column)

// increase returns the running total of the non-negative differences of `columns`: the
// increase of a counter since the first row (which is dropped), a reset counting as a
// restart from 0.
increase = (tables=<-, columns=["_value"]) =>
    tables
        |> difference(nonNegative: true, columns: columns, initialZero: true)
        |> cumulativeSum(columns: columns)

// toString converts _value to a string.
toString = (tables=<-) => tables |> map(fn: (r) => ({r with _value: string(v: r._value)}))

// toInt converts _value to an int.
toInt = (tables=<-) => tables |> map(fn: (r) => ({r with _value: int(v: r._value)}))

// toUInt converts _value to a uint.
toUInt = (tables=<-) => tables |> map(fn: (r) => ({r with _value: uint(v: r._value)}))

// toFloat converts _value to a float.
toFloat = (tables=<-) => tables |> map(fn: (r) => ({r with _value: float(v: r._value)}))

// toBool converts _value to a bool.
toBool = (tables=<-) => tables |> map(fn: (r) => ({r with _value: bool(v: r._value)}))

// toTime converts _value to a time.
toTime = (tables=<-) => tables |> map(fn: (r) => ({r with _value: time(v: r._value)}))
