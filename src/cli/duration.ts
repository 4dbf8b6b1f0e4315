// Durations given as command-line flags (`--timeout 10s`, `--poll 2s`): one or more
// `<number><unit>` terms, units ms, s, m and h, as in `1h30m` or `1.5s`.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The duration in milliseconds (0 for `0s`), or undefined when `s` is not a duration. */
export function parseDurationMs(s: string): number | undefined {
  const t = s.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  return ms;
}
