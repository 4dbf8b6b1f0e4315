package aggregate


import "experimental"

// rate returns the average per-second rate of change of counters (non-negative
// derivatives, so counter resets count as no change) in windows of `every`, summed over the
// tables of each group of `groupColumns`. As in Flux, the result is one table per group of
// `groupColumns` (plus the _start and _stop of range() in the key), one row per window, with
// the window's stop in _time.
//
// ## Parameters
// - every: window length.
// - groupColumns: columns to group by before summing (default [] : everything together).
// - unit: time unit of the rate (default 1s).
//
// ## Examples
// ```
// import "experimental/aggregate"
//
// from(bucket: "node")
//     |> range(start: -1h)
//     |> filter(fn: (r) => r._field == "node_cpu_seconds_total")
//     |> aggregate.rate(every: 1m, unit: 1s, groupColumns: ["cpu"])
// ```
rate = (tables=<-, every, groupColumns=[], unit=1s) =>
    tables
        |> derivative(nonNegative: true, unit: unit)
        |> aggregateWindow(
            every: every,
            fn: (tables=<-, column) =>
                tables
                    |> mean(column: column)
                    |> group(columns: groupColumns)
                    |> experimental.group(columns: ["_start", "_stop"], mode: "extend")
                    |> sum(),
        )
