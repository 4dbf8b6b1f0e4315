// Child process for the fleet benchmark: N HTTP servers on 127.0.0.1, each serving about
// 50 KB of node-exporter-like exposition. Prints one JSON line with the ports, then serves
// until stdin closes.
import { createServer } from 'node:http';

const n = Number(process.argv[2] ?? 1000);

function exposition(seed) {
  const lines = [];
  for (let cpu = 0; cpu < 8; cpu++) {
    lines.push('# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.', '# TYPE node_cpu_seconds_total counter');
    for (const mode of ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user']) {
      lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${(seed * 13.7 + cpu * 101.3 + mode.length).toFixed(2)}`);
    }
  }
  for (const dev of ['sda', 'sdb', 'nvme0n1', 'nvme1n1']) {
    for (const m of ['reads_completed', 'writes_completed', 'read_bytes', 'written_bytes', 'io_time_seconds', 'io_now']) {
      lines.push(`# TYPE node_disk_${m}_total counter`, `node_disk_${m}_total{device="${dev}"} ${seed * 1000 + dev.length}`);
    }
  }
  lines.push('# TYPE http_request_duration_seconds histogram');
  for (const handler of ['/api', '/metrics', '/health', '/login', '/static']) {
    for (const method of ['GET', 'POST']) {
      let c = 0;
      for (const le of ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']) {
        c += 3;
        lines.push(`http_request_duration_seconds_bucket{handler="${handler}",method="${method}",le="${le}"} ${c + seed}`);
      }
      lines.push(`http_request_duration_seconds_sum{handler="${handler}",method="${method}"} ${seed * 0.5}`);
      lines.push(`http_request_duration_seconds_count{handler="${handler}",method="${method}"} ${c + seed}`);
    }
  }
  lines.push('# TYPE go_gc_duration_seconds summary');
  for (const q of ['0', '0.25', '0.5', '0.75', '1']) lines.push(`go_gc_duration_seconds{quantile="${q}"} 0.000${seed % 10}1`);
  lines.push('go_gc_duration_seconds_sum 1.5', 'go_gc_duration_seconds_count 42');
  let i = 0;
  while (lines.join('\n').length < 50_000) {
    lines.push(`# HELP node_filler_${i} Filler gauge.`, `# TYPE node_filler_${i} gauge`);
    for (let j = 0; j < 6; j++) lines.push(`node_filler_${i}{shard="${j}",zone="z${j % 3}"} ${(seed + i * j) / 7}`);
    i++;
  }
  return lines.join('\n') + '\n';
}

const ports = [];
const servers = [];
for (let k = 0; k < n; k++) {
  const body = exposition(k);
  const s = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body));
  s.keepAliveTimeout = 60_000;
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  ports.push(s.address().port);
  servers.push(s);
}
process.stdout.write(JSON.stringify({ ports, bytes: exposition(0).length }) + '\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
