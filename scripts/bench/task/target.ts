// The small scrape target of the task benchmarks (bench.ts, run-cost.ts): 11 samples served
// by a separate node process, so that its work does not share the event loop being measured.
import { spawn } from 'node:child_process';

const TARGET = `
const http = require('node:http');
let body = '# HELP demo_requests_total Requests.\\n# TYPE demo_requests_total counter\\n';
for (let i = 0; i < 10; i++) body += 'demo_requests_total{code="' + (200 + i) + '",path="/api/' + i + '"} ' + (i * 17) + '\\n';
body += '# HELP demo_temp Temperature.\\n# TYPE demo_temp gauge\\ndemo_temp 21.5\\n';
const srv = http.createServer((req, res) => { res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'}); res.end(body); });
srv.keepAliveTimeout = 60000;
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
`;

/** Start the target; `url` is its /metrics address. */
export async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  return { url: `http://127.0.0.1:${port}/metrics`, stop: () => child.kill('SIGTERM') };
}
