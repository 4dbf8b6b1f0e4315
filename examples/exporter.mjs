#!/usr/bin/env node
// A small Prometheus exporter for trying promflux: serves /metrics on 127.0.0.1
// (port 9105, or the first argument) with a counter, a gauge, a histogram and a summary
// whose values move over time. No dependencies.
//
//   node examples/exporter.mjs [port]
import { createServer } from 'node:http';

const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  process.stdout.write('usage: node examples/exporter.mjs [port]\nServes demo metrics on http://127.0.0.1:<port>/metrics (port 9105 by default; 0 picks a free one).\n');
  process.exit(0);
}
const port = Number(arg ?? 9105);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`exporter: the port must be a number from 0 to 65535, not ${JSON.stringify(arg)}\n`);
  process.exit(2);
}
const started = Date.now();
let requests = 0;
const buckets = [0.005, 0.01, 0.05, 0.1, 0.5, 1];

function exposition() {
  const t = (Date.now() - started) / 1000;
  requests += 1 + Math.floor(Math.random() * 5);
  const lines = [];
  lines.push('# HELP demo_requests_total Requests handled by the demo service.');
  lines.push('# TYPE demo_requests_total counter');
  for (const [method, share] of [['GET', 0.8], ['POST', 0.2]]) {
    lines.push(`demo_requests_total{method="${method}",code="200"} ${Math.floor(requests * share)}`);
  }
  lines.push('# HELP demo_temperature_celsius A temperature that drifts.');
  lines.push('# TYPE demo_temperature_celsius gauge');
  for (const room of ['lab', 'office']) {
    const base = room === 'lab' ? 21 : 19;
    lines.push(`demo_temperature_celsius{room="${room}"} ${(base + Math.sin(t / 60) * 2).toFixed(3)}`);
  }
  lines.push('# HELP demo_latency_seconds Request latency.');
  lines.push('# TYPE demo_latency_seconds histogram');
  let cumulative = 0;
  for (const le of buckets) {
    cumulative += Math.floor(requests / buckets.length / (le * 10 + 1));
    lines.push(`demo_latency_seconds_bucket{le="${le}"} ${cumulative}`);
  }
  lines.push(`demo_latency_seconds_bucket{le="+Inf"} ${requests}`);
  lines.push(`demo_latency_seconds_sum ${(requests * 0.042).toFixed(3)}`);
  lines.push(`demo_latency_seconds_count ${requests}`);
  lines.push('# HELP demo_payload_bytes Payload sizes.');
  lines.push('# TYPE demo_payload_bytes summary');
  lines.push(`demo_payload_bytes{quantile="0.5"} 512`);
  lines.push(`demo_payload_bytes{quantile="0.99"} 4096`);
  lines.push(`demo_payload_bytes_sum ${requests * 700}`);
  lines.push(`demo_payload_bytes_count ${requests}`);
  return lines.join('\n') + '\n';
}

const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition());
});
server.on('error', (e) => {
  process.stderr.write(`exporter: cannot listen on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (give another as the first argument)' : e.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`demo exporter: http://127.0.0.1:${server.address().port}/metrics\n`);
});
