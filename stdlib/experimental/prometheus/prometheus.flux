package prometheus


// scrape fetches one Prometheus or OpenMetrics endpoint and returns its samples as tables.
//
// Columns: _time (the sample's timestamp, or the time the scrape started), _measurement
// ("prometheus"), _field (the sample name; histogram buckets are stored under the metric
// name with an `le` column, `_sum` and `_count` are their own fields), _value (float; NaN
// and infinities kept), url (the scraped URL, without credentials), and one string column
// per label, sorted by name. Group key: _measurement, _field and the label columns. One
// table per series, ordered by _field, then labels.
//
// The request prefers OpenMetrics and accepts the text format 0.0.4; the response's
// Content-Type picks the parser (a missing or unknown type is read as text 0.0.4).
//
// ## Parameters
// - url: http or https URL of the endpoint.
// - timeout: deadline for the whole scrape (default 10s; sent as X-Prometheus-Scrape-Timeout-Seconds).
// - headers: extra request headers (a record or a dictionary of strings).
// - bearerToken: sent as `Authorization: Bearer <token>`.
// - username, password: HTTP basic auth (userinfo in the URL works too).
// - tlsCa, tlsCert, tlsKey: PEM files: CA certificates to trust, a client certificate and its key.
// - tlsServerName: the name the server certificate must carry (SNI).
// - tlsInsecureSkipVerify: accept any server certificate (testing only).
// - maxBytes: limit on the decompressed body (default 104857600, 100 MiB).
// - followRedirects: follow HTTP redirects, at most 10 (default true, as Prometheus's
//   follow_redirects). Credentials are sent only while the redirects stay on the URL's
//   origin; the url column keeps the URL given here.
//
// ## Examples
// ```
// import "experimental/prometheus"
//
// prometheus.scrape(url: "http://localhost:9100/metrics", timeout: 5s)
//     |> filter(fn: (r) => r._field == "node_load1")
// ```
builtin scrape : (
        url: string,
        ?timeout: duration,
        ?headers: A,
        ?bearerToken: string,
        ?username: string,
        ?password: string,
        ?tlsCa: string,
        ?tlsCert: string,
        ?tlsKey: string,
        ?tlsServerName: string,
        ?tlsInsecureSkipVerify: bool,
        ?maxBytes: int,
        ?followRedirects: bool,
    ) => stream[B]
    where
    B: Record

// histogramQuantile computes a quantile of Prometheus histograms.
//
// metricVersion 2 (default) reads the shape prometheus.scrape returns (bucket rows with an
// `le` column; `_sum`/`_count` rows are ignored); metricVersion 1 reads Telegraf's
// metric_version 1 shape (one field per bucket upper bound, plus `sum` and `count`). One
// output table per input group key without `le` (or `_field`), one row per `_time`, the
// quantile in `_value`, interpolated linearly within its bucket (the first bucket starts at
// 0; a quantile in the +Inf bucket gives the largest finite upper bound).
//
// ## Parameters
// - quantile: the quantile, between 0.0 and 1.0.
// - metricVersion: 2 or 1.
// - onNonmonotonic: what to do when counts decrease as the upper bound grows: "error"
//   (default), "force" (raise each count to the one before it) or "drop" (leave the
//   histogram out).
//
// ## Examples
// ```
// import "experimental/prometheus"
//
// prometheus.scrape(url: "http://localhost:9100/metrics")
//     |> filter(fn: (r) => r._field == "http_request_duration_seconds")
//     |> prometheus.histogramQuantile(quantile: 0.99)
// ```
builtin histogramQuantile : (
        <-tables: stream[A],
        quantile: float,
        ?metricVersion: int,
        ?onNonmonotonic: string,
    ) => stream[B]
    where
    A: Record,
    B: Record
