// A deterministic, realistic exposition (Prometheus text 0.0.4) of exactly `samples`
// samples: counters, gauges, histograms and summaries with 2-6 labels each, HELP/TYPE
// lines, a few escaped label values, NaN/+Inf values and some timestamps. `valueSeed`
// changes the numbers (values and timestamps) and nothing else: the bodies of one `seed`
// have the same lines, series and order, as a target's scrapes have one after the other.
export function generateExposition(samples: number, seed = 1, valueSeed = seed): string {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  let sv = valueSeed >>> 0;
  const rv = () => {
    sv = (Math.imul(sv, 1664525) + 1013904223) >>> 0;
    return sv / 4294967296;
  };
  const tsBase = 1700000000000 + (valueSeed - seed) * 10000;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  const codes = ['200', '201', '204', '301', '400', '404', '500', '503'];
  const handlers = Array.from({ length: 40 }, (_, i) => `/api/v1/resource_${i}`);
  const instances = Array.from({ length: 25 }, (_, i) => `10.0.${i >> 3}.${i}:9100`);
  const jobs = ['node', 'api', 'db', 'cache'];
  const devices = ['sda', 'sdb', 'nvme0n1', 'dm-0'];
  const zones = ['eu-west-1a', 'eu-west-1b', 'us-east-1c'];
  // Value lists sorted, as client libraries emit series sorted by label values.
  const labelPool: [string, readonly string[]][] = [
    ['job', jobs],
    ['instance', instances],
    ['method', methods],
    ['code', codes],
    ['handler', handlers],
    ['device', devices],
    ['zone', zones],
  ];
  const buckets = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (const entry of labelPool) entry[1] = [...entry[1]].sort();
  const out: string[] = [];
  let n = 0;
  let fam = 0;
  // Like client libraries write them: label names sorted, series sorted by label values
  // (mixed-radix enumeration, the last label varying fastest).
  const labelsFor = (k: number, series: number) => {
    const chosen = labelPool.slice(0, k).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const parts: string[] = [];
    let rest = series;
    const digits: number[] = [];
    for (let i = chosen.length - 1; i >= 0; i--) {
      const values = chosen[i]![1];
      digits[i] = rest % values.length;
      rest = Math.floor(rest / values.length);
    }
    for (let i = 0; i < chosen.length; i++) parts.push(`${chosen[i]![0]}="${chosen[i]![1][digits[i]!]}"`);
    if (series % 97 === 0) parts.push('path="C:\\\\tmp\\\\x \\"quoted\\""');
    return parts;
  };
  while (n < samples) {
    const kind = fam % 10 < 4 ? 'counter' : fam % 10 < 7 ? 'gauge' : fam % 10 < 9 ? 'histogram' : 'summary';
    const name = `app_${kind}_metric_${fam}${kind === 'counter' ? '_total' : kind === 'histogram' ? '_seconds' : ''}`;
    const k = 2 + (fam % 5); // 2..6 labels
    out.push(`# HELP ${name} Generated ${kind} number ${fam}.`);
    out.push(`# TYPE ${name} ${kind}`);
    const seriesCount = 20 + Math.floor(rnd() * 60);
    for (let sIdx = 0; sIdx < seriesCount && n < samples; sIdx++) {
      const ls = labelsFor(k, sIdx);
      if (kind === 'counter' || kind === 'gauge') {
        const v = kind === 'counter' ? Math.floor(rv() * 1e7) : rv() < 0.01 ? 'NaN' : (rv() * 2000 - 1000).toFixed(3);
        const ts = sIdx % 50 === 0 ? ` ${tsBase + sIdx}` : '';
        out.push(`${name}{${ls.join(',')}} ${v}${ts}`);
        n++;
      } else if (kind === 'histogram') {
        let c = 0;
        for (const le of buckets) {
          if (n >= samples) break;
          c += Math.floor(rv() * 100);
          out.push(`${name}_bucket{${[...ls, `le="${le}"`].join(',')}} ${c}`);
          n++;
        }
        if (n < samples) {
          out.push(`${name}_sum{${ls.join(',')}} ${(rv() * 1e4).toExponential(6)}`);
          n++;
        }
        if (n < samples) {
          out.push(`${name}_count{${ls.join(',')}} ${c}`);
          n++;
        }
      } else {
        for (const q of ['0.5', '0.9', '0.99']) {
          if (n >= samples) break;
          out.push(`${name}{${[...ls, `quantile="${q}"`].join(',')}} ${rv().toFixed(9)}`);
          n++;
        }
        if (n < samples) {
          out.push(`${name}_sum{${ls.join(',')}} ${(rv() * 1e4).toFixed(4)}`);
          n++;
        }
        if (n < samples) {
          out.push(`${name}_count{${ls.join(',')}} ${Math.floor(rv() * 1e6)}`);
          n++;
        }
      }
    }
    fam++;
  }
  return out.join('\n') + '\n';
}

/**
 * The same samples as OpenMetrics 1.0: counter families named without `_total`, timestamps
 * in seconds, `# EOF` at the end.
 */
export function toOpenMetrics(text: string): string {
  const out = text.split('\n').map((l) => {
    if (l.startsWith('# TYPE ') && l.endsWith('_total counter')) return l.replace('_total counter', ' counter');
    if (l.startsWith('# HELP ')) return l.replace(/^(# HELP \S+)_total /, '$1 ');
    const m = / (\d{13})$/.exec(l);
    if (m) return `${l.slice(0, -13)}${(Number(m[1]) / 1000).toFixed(3)}`;
    return l;
  });
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n# EOF\n';
}
