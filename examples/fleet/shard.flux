// Sharding a fleet over several promflux instances with no coordinator: each instance keeps
// the targets whose hash modulo the number of instances equals its own number, and all of
// them write to one shared InfluxDB. On instance k of N, set `shards = N` and `shard = "k"`.
import "experimental/prometheus"
import "experimental/prometheus/discovery"

option task = {name: "fleet-shard", every: 15s}

shards = 3
shard = "0"

prometheus.scrapeTargets(
    targets: discovery.file(files: ["examples/fleet/targets.json"]),
    job: "node",
    relabel: [
        {sourceLabels: ["__address__"], modulus: shards, targetLabel: "__tmp_shard", action: "hashmod"},
        {sourceLabels: ["__tmp_shard"], regex: shard, action: "keep"},
    ],
)
    |> to(bucket: "fleet", host: "http://influxdb.example:8086", org: "example-org", token: "replace-me")
