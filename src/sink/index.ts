// The sink: where `to()` writes (src/stdlib/influxdata/influxdb/to.ts is the builtin).
//
//   tables --LineEncoder (./encode.ts: to()'s column mapping, tag rule, skip rules)-->
//     line protocol (./line-protocol.ts escaping; ./line-buffer.ts bytes fast path)
//   --WritePipeline (./pipeline.ts: batching, linger, concurrency, backpressure)-->
//     retries (./retry.ts: backoff, Retry-After, 4xx fail fast) --Destination (./destination.ts:
//     @influxdata/influxdb-client; v2 API, or InfluxDB 1.x /write detected by /ping)-->
//     server; when retries are exhausted --Spool (./spool.ts: durable, ordered, bounded)-->
//     re-sent by the next session and at start-up.
//
// SinkService (./service.ts) owns one pipeline per destination for the whole process
// (`ctx.services.get('sink', ...)`), reads the configuration (./config.ts: INFLUX_HOST /
// INFLUX_TOKEN / INFLUX_ORG, the promflux config file's "influx" and "write" sections) and
// is closed by Runtime.close(). `writeTables` (./write.ts) is the whole path for one call.
export { LineEncoder, DEFAULT_MAPPING, describeSkips, emptyCounts, addCounts } from './encode.js';
export type { ToMapping, SkipCounts, PointSink, PointValue } from './encode.js';
export { escapeKey, escapeMeasurement, formatFloatField, formatStringField } from './line-protocol.js';
export type { LineProtocolDialect } from './line-protocol.js';
export { LineBuffer } from './line-buffer.js';
export { WritePipeline, WriteSession } from './pipeline.js';
export type { PipelineOptions, WriteOutcome, DrainResult } from './pipeline.js';
export { Spool } from './spool.js';
export { WriteError, classifyError, detectApi, parseRetryAfter, redactUrl, targetId, v1Destination, v2Destination } from './destination.js';
export type { Destination, InfluxTarget } from './destination.js';
export { DEFAULT_RETRY, RetriesExhausted, retryDelay, withRetries } from './retry.js';
export type { RetryOptions } from './retry.js';
export { DEFAULT_WRITE_SETTINGS, configFilePath, parseSinkConfig } from './config.js';
export type { SinkConfig, WriteSettings, DefaultInflux } from './config.js';
export { SinkService, isLoopback, loadSinkConfig } from './service.js';
export { writeTables } from './write.js';
export type { WriteTablesResult } from './write.js';
