// `--log-format text|json` and `--log-level`: where a command's runtime logs go (stderr, one
// line per event), so warnings of a one-shot run (a target of a fleet scrape that failed,
// points to() skipped, retries against an unreachable InfluxDB) are seen, never swallowed.
// `promflux serve` validates the same two flags itself (src/cli/commands/serve.ts).
import { Option } from 'commander';
import { createStreamLogger } from '../host/logger.js';
import type { LogLevel, Logger } from '../host/logger.js';
import type { CliIO } from './io.js';

export interface LogFlags {
  logFormat?: 'text' | 'json';
  logLevel?: LogLevel;
}

/** `--log-format text|json` (default text). */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines on stderr as text or json').choices(['text', 'json']).default('text');
}

/** `--log-level`; `defaultLevel` is what the command shows without it. */
export function logLevelOption(defaultLevel: LogLevel): Option {
  return new Option('--log-level <level>', 'the least severe log level shown').choices(['debug', 'info', 'warn', 'error']).default(defaultLevel);
}

/** The logger the flags ask for, writing to the command's stderr. */
export function loggerFromFlags(flags: LogFlags, io: CliIO): Logger {
  return createStreamLogger({ format: flags.logFormat ?? 'text', level: flags.logLevel ?? 'warn', write: (line) => io.stderr(`${line}\n`) });
}
