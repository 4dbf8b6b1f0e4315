package universe


// from reads a bucket: of the embedded local store (in the data directory: --data,
// PROMFLUX_DATA or ~/.local/share/promflux), or of a remote InfluxDB 2.x when host is given.
// It is influxdata/influxdb.from, part of the prelude; see that package for the details.
// As in InfluxDB, range() must follow from().
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
builtin buckets : (
        ?org: string,
        ?orgID: string,
        ?host: string,
        ?token: string,
    ) => stream[{name: string, id: string, organizationID: string, retentionPolicy: string, retentionPeriod: int}]
