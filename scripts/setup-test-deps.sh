#!/usr/bin/env bash
# Installs the real servers the integration tests talk to, from Debian's packages, when they
# are missing. Nothing is started here: each test starts its own instance on a free
# 127.0.0.1 port with a temporary data directory, and stops it when done.
#
# Packages: victoria-metrics (to() over the v2 write API), influxdb (InfluxDB 1.x /write),
# prometheus-node-exporter (a real scrape target), tmux (driving the REPL in a terminal),
# dnsmasq-base (a real DNS server for DNS service discovery), openssl (test TLS certificates).
set -euo pipefail

need=()
command -v victoria-metrics >/dev/null 2>&1 || [ -x /usr/bin/victoria-metrics ] || need+=(victoria-metrics)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
[ -x /usr/bin/prometheus-node-exporter ] || need+=(prometheus-node-exporter)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  echo "test servers: all present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "test servers: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
# The packages' post-install scripts would start the services; prevent that, tests start their own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ "$created_policy" = 1 ]; then $SUDO rm -f "$policy"; fi
# Stop anything the packages started anyway (systemd-less containers usually start nothing).
for svc in victoria-metrics influxdb prometheus-node-exporter; do
  pkill -x "$svc" 2>/dev/null || true
done
pkill -x influxd 2>/dev/null || true
echo "test servers: installed"
