package influxdb


// to writes every row of its input tables to InfluxDB and passes the tables through
// unchanged, so `|> to(...) |> yield()` works; it writes even when its output is unused.
//
// Give exactly one of bucket or bucketID, and at most one of org or orgID. With host (an
// InfluxDB URL), token is required: a v2 API token, or `username:password` for InfluxDB 1.x
// (detected by its /ping answer; bucket is then `database/retention-policy`; an empty token
// means no authentication). Without host, to() writes to the configured default: the
// INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG environment variables or the "influx" section of
// the promflux config file; when none is configured, to the embedded local store.
//
// Each row becomes a point: the measurement from measurementColumn (default "_measurement"),
// the timestamp from timeColumn (default "_time"), fields from fieldFn (default
// `(r) => ({[r._field]: r._value})`), tags from tagColumns (default: every string column
// except _measurement, _field, _value and the columns fieldFn reads). Rows with a null time,
// NaN or infinite values, rows left without fields and rows whose names line protocol cannot
// carry (a newline in a name, a measurement starting with "#", for InfluxDB 1.x a tag or
// field key "time") are skipped and reported once.
// The run succeeds only when the server acknowledged every point; points that could not be
// delivered after retries are kept in an on-disk spool and re-sent by later runs.
//
// ## Parameters
// - bucket: Bucket to write to (InfluxDB 1.x: "database" or "database/retention-policy").
// - bucketID: ID of the bucket to write to.
// - org: Organization name.
// - orgID: Organization ID.
// - host: URL of the InfluxDB server, e.g. "http://localhost:8086".
// - token: API token (InfluxDB 1.x: "username:password"); required with host.
// - timeColumn: Time column. Default is "_time".
// - measurementColumn: Measurement column. Default is "_measurement".
// - tagColumns: Tag columns. Default: every string column not otherwise used.
// - fieldFn: Function from a row to the record of fields to write.
// - tables: Input data. Default is piped-forward data (<-).
//
// ## Examples
// ```
// import "experimental/prometheus"
//
// prometheus.scrape(url: "http://localhost:9100/metrics")
//     |> to(bucket: "example-bucket", host: "http://localhost:8086", org: "example-org", token: "mytoken")
// ```
builtin to : (
        <-tables: stream[A],
        ?bucket: string,
        ?bucketID: string,
        ?org: string,
        ?orgID: string,
        ?host: string,
        ?token: string,
        ?timeColumn: string,
        ?measurementColumn: string,
        ?tagColumns: [string],
        ?fieldFn: (r: A) => B,
    ) => stream[A]
    where
    A: Record,
    B: Record
