#!/usr/bin/env bash
# The Scheduler section of BENCHMARKS.md: the same 1,000 x every-1s schedule for 60 s, with the
# scheduler alone (noop executor), with real Flux scrape runs (aligned, the default), and with
# real Flux scrape runs spread over the interval (serve --spread), one after the other.
#   bash scripts/bench/task/run.sh [TASKS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
TASKS="${1:-1000}"
SECONDS_="${2:-60}"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for args in "--mode noop" "--mode flux" "--mode flux --spread"; do
  echo "== $args"
  node --import tsx scripts/bench/task/bench.ts --tasks "$TASKS" --seconds "$SECONDS_" $args
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
