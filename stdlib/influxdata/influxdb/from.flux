package influxdb


// from reads data from a bucket, in the shape InfluxDB returns it: one table per series
// (measurement, tag set and field) with the columns _time, _value, _field, _measurement and
// one column per tag, grouped by _measurement, _field and the tags; after range() also
// _start and _stop (in the group key).
//
// Without host, from() reads the embedded local store in the data directory (--data,
// PROMFLUX_DATA or ~/.local/share/promflux), where to() writes when no InfluxDB is
// configured (a bucket is created by its first write, keeping data for 30 days; choose
// another retention with `promflux bucket create NAME --retention 90d`). With host, it
// queries a remote InfluxDB 2.x (token and org required).
//
// range() must follow from() (reading an unbounded from() fails with "cannot submit
// unbounded read"). range() and filter() predicates that compare _measurement, _field, tag
// columns or _value with literals (and/or/not, ==, !=, <, <=, >, >=, =~, !~) are pushed down:
// the store reads only the matching series and time span.
//
// ## Parameters
// - bucket: Name of the bucket to read.
// - bucketID: ID of the bucket to read (in the embedded store, the bucket's name).
// - org: Organization name (remote only).
// - orgID: Organization ID (remote only).
// - host: URL of a remote InfluxDB 2.x, e.g. "http://localhost:8086".
// - token: API token of the remote InfluxDB.
//
// ## Examples
// ```
// from(bucket: "metrics")
//     |> range(start: -1h)
//     |> filter(fn: (r) => r._measurement == "go_goroutines")
// ```
builtin from : (
        ?bucket: string,
        ?bucketID: string,
        ?org: string,
        ?orgID: string,
        ?host: string,
        ?token: string,
    ) => stream[{A with _measurement: string, _field: string, _time: time, _value: B}]

// buckets lists the buckets of the embedded local store: one table with the columns name,
// id, organizationID, retentionPolicy and retentionPeriod (nanoseconds; 0 keeps forever).
// Create and delete buckets with `promflux bucket create|delete`.
builtin buckets : (
        ?org: string,
        ?orgID: string,
        ?host: string,
        ?token: string,
    ) => stream[{name: string, id: string, organizationID: string, retentionPolicy: string, retentionPeriod: int}]
