// Package discovery finds scrape targets, the way Prometheus's service discovery does.
// Every function returns an array of targets, `{address: string, labels: [string: string]}`,
// that `prometheus.scrapeTargets()` accepts. `labels` holds the discovered labels,
// including `__meta_*` labels that relabeling rules may use; they are dropped before the
// samples are written.
package discovery


// static returns fixed targets that share `labels`.
//
// ## Parameters
// - targets: addresses (`host:port`).
// - labels: labels added to every target (a record or a dictionary).
//
// ## Examples
// ```
// import "experimental/prometheus/discovery"
//
// discovery.static(targets: ["10.0.0.1:9100", "10.0.0.2:9100"], labels: {env: "prod"})
// ```
builtin static : (targets: [string], ?labels: A) => [{address: string, labels: [string:string]}]

// file reads Prometheus file_sd files: JSON (or YAML, by the .yml/.yaml extension) lists of
// `{"targets": [...], "labels": {...}}`. A file is read again only when it changed; a file
// that becomes invalid keeps its last good content (and the run log says so); a file that
// is deleted takes its targets with it. Each target gets `__meta_filepath`.
//
// ## Parameters
// - files: paths of the files. The last path segment may hold a `*`, as in Prometheus
//   (`"/etc/promflux/targets/*.json"`). A relative path is read from the directory promflux
//   was started in, not the script's.
builtin file : (files: [string]) => [{address: string, labels: [string:string]}]

// http fetches a Prometheus http_sd endpoint (GET returning the file_sd JSON list). When the
// endpoint fails, the last good list is kept; the first fetch must succeed. Each target gets
// `__meta_url` (the URL with its credentials hidden). Redirects are followed, at most 10.
//
// ## Parameters
// - url: the http or https URL of the endpoint (userinfo is basic auth).
// - timeout: how long the request may take. Default is 10s.
// - headers, bearerToken, username, password, tlsCa, tlsCert, tlsKey, tlsServerName,
//   tlsInsecureSkipVerify: as for `prometheus.scrape()`. Credentials never appear in
//   messages or labels.
builtin http : (
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
    ) => [{address: string, labels: [string:string]}]

// dns resolves DNS names to targets: SRV records give host and port; A and AAAA records
// give addresses, with `port`. Each target gets `__meta_dns_name` (and for SRV
// `__meta_dns_srv_record_target` and `__meta_dns_srv_record_port`). When a lookup fails
// (no answer, a failing server), the name's last good answer is kept; a name that does
// not exist, or has no such records, has no targets.
//
// ## Parameters
// - names: the names to resolve.
// - type: "SRV" (default), "A" or "AAAA".
// - port: the port for A and AAAA targets.
// - servers: name servers (`host:port`) to ask instead of the system's resolvers.
builtin dns : (names: [string], ?type: string, ?port: int, ?servers: [string]) => [{address: string, labels: [string:string]}]

// relabel applies Prometheus relabeling rules to targets and returns the targets that are
// kept, with their rewritten labels. It previews what `prometheus.scrapeTargets()` scrapes:
// as there, the rules also see `job`, `__scheme__` ("http") and `__metrics_path__`
// ("/metrics") when a target does not set them.
//
// A rule is a record with the fields of Prometheus's `relabel_config`:
// `sourceLabels` ([string]), `separator` (";"), `targetLabel`, `regex` ("(.*)", fully
// anchored, RE2), `modulus`, `replacement` ("$1"), `action` ("replace", "keep", "drop",
// "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep",
// "lowercase", "uppercase").
//
// ## Parameters
// - targets: targets from a discovery function.
// - rules: the relabeling rules, applied in order.
// - job: the job name, as `job` of `prometheus.scrapeTargets()` (default "prometheus").
builtin relabel : (targets: [{address: string, labels: [string:string]}], rules: [A], ?job: string) => [{address: string, labels: [string:string]}]
