// Scrape every target listed in targets.json (Prometheus file_sd format) every 15s.
// Edit the file while `promflux serve examples/fleet` runs: the next run follows it.
import "experimental/prometheus"
import "experimental/prometheus/discovery"

option task = {name: "fleet", every: 15s}

prometheus.scrapeTargets(
    targets: discovery.file(files: ["examples/fleet/targets.json"]),
    job: "node",
    relabel: [
        // Scrape only production targets...
        {sourceLabels: ["env"], regex: "prod", action: "keep"},
        // ...and keep the team as a label on every series.
        {sourceLabels: ["team"], targetLabel: "team"},
    ],
    // Drop the Go runtime series the exporters expose.
    metricRelabel: [{sourceLabels: ["__name__"], regex: "go_.*", action: "drop"}],
    concurrency: 32,
    timeout: 5s,
)
    |> to(bucket: "fleet")
