package universe


// to writes every row of its input tables to InfluxDB and passes the tables through
// unchanged, so `|> to(...) |> yield()` works; it writes even when its output is unused.
// It is influxdata/influxdb.to, part of the prelude; see that package for the parameters.
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
