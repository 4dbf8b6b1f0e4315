package prometheus


// scrapeTargets scrapes many targets at once, as a Prometheus scrape job does, and returns
// their samples as tables in the shape of `scrape()`, each series also carrying its
// target's labels (`job`, `instance`, and the labels discovery and relabeling gave it).
//
// Targets come from experimental/prometheus/discovery (or are plain "host:port" strings).
// `relabel` rules run on each target before it is scraped (with `__address__`, `__scheme__`,
// `__metrics_path__`, `__param_<name>` and the `__meta_*` labels; labels starting with `__`
// are dropped afterwards; `instance` defaults to `__address__`); `metricRelabel` rules run
// on each scraped series (with `__name__`). Rules are records with Prometheus's relabel
// fields: sourceLabels, separator, targetLabel, regex, modulus, replacement, action.
// In a Flux string `${` starts interpolation: write a group reference as `$1` or `\${1}`.
//
// Per target four more series are returned: `up` (1 when the scrape succeeded, else 0),
// `scrape_duration_seconds`, `scrape_samples_scraped` and
// `scrape_samples_post_metric_relabeling`. A target that fails gives `up = 0` and a warning
// in the log; the other targets are unaffected.
//
// ## Parameters
// - targets: targets from a discovery function, or addresses.
// - job: the `job` label (default "prometheus").
// - relabel: target relabeling rules.
// - metricRelabel: series relabeling rules.
// - concurrency: how many targets are scraped at once (default 16).
// - sampleLimit: a target with more samples (after metric relabeling) fails (0: no limit).
// - labelLimit: a target with a series of more labels fails (0: no limit).
// - honorLabels: when a scraped label has the name of a target label (`job`, `instance`...),
//   keep the scraped one, as Prometheus's `honor_labels: true` (for federation and
//   Pushgateway). Default false: the target's label wins and the scraped one is kept as
//   `exported_<name>`.
// - timeout, headers, bearerToken, username, password, tlsCa, tlsCert, tlsKey,
//   tlsServerName, tlsInsecureSkipVerify, maxBytes, followRedirects: as for `scrape()`, for
//   every target.
//
// ## Examples
// ```
// import "experimental/prometheus"
// import "experimental/prometheus/discovery"
//
// prometheus.scrapeTargets(
//     targets: discovery.file(files: ["/etc/promflux/targets.json"]),
//     job: "node",
//     relabel: [{sourceLabels: ["env"], regex: "dev", action: "drop"}],
//     concurrency: 64,
// )
// ```
builtin scrapeTargets : (
        targets: [A],
        ?job: string,
        ?relabel: [B],
        ?metricRelabel: [B],
        ?concurrency: int,
        ?sampleLimit: int,
        ?labelLimit: int,
        ?honorLabels: bool,
        ?timeout: duration,
        ?headers: C,
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
    ) => stream[D]
