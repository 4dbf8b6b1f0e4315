// Scrape promflux's own metrics (served by `promflux serve` on 127.0.0.1:9321) every 5s
// into the embedded store, bucket "promflux". No other service is needed.
import "experimental/prometheus"

option task = {name: "self", every: 5s}

prometheus.scrape(url: "http://127.0.0.1:9321/metrics")
    |> to(bucket: "promflux")
