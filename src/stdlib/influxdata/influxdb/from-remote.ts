// from(bucket:, host:, org:, token:): query a remote InfluxDB 2.x through the client's query
// API (POST /api/v2/query, annotated CSV back), decoded with src/table's decodeCsv.
// Range and filter pushdown work as for the embedded store: the pushed range and predicate
// become `range(...)` and `filter(...)` in the Flux query sent to the server. The token is
// never logged or put into an error message, nor is a password in the host URL.
import { InfluxDB, HttpError } from '@influxdata/influxdb-client';
import type { NativeContext } from '../../../runtime/builtin-api.js';
import { FluxError } from '../../../errors/index.js';
import type { PushdownSource, StorePredicate } from '../../../store/index.js';
import type { FunctionValue } from '../../../values/value.js';
import { decodeCsv, formatTimeNs } from '../../../table/index.js';
import type { Table } from '../../../table/types.js';
import { SourceBase, predicateOf } from './source.js';
import { formatFloat, formatFloatLiteral, quoteString } from '../../../values/format.js';
import { redactUrl } from '../../../sink/destination.js';

export interface RemoteParams {
  readonly host: string;
  readonly token: string | undefined;
  readonly org: string | undefined;
  readonly bucket: string;
  readonly byID: boolean;
}

function fluxValue(v: Extract<StorePredicate, { kind: 'value' }>['value']): string {
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return `uint(v: "${v.uint}")`;
  // A Flux float literal is digits with a point (SPEC, Float literals): no exponent (so
  // 0.0000001, not 1e-7), no NaN or Inf, which go through float(v:).
  return Number.isFinite(v) ? formatFloatLiteral(v) : `float(v: "${formatFloat(v)}")`;
}

/** Whether `p` has an and/or under a `not` (where Go's and/or and the SPEC's can differ). */
function negatesLogic(p: StorePredicate, underNot: boolean): boolean {
  switch (p.kind) {
    case 'not':
      return negatesLogic(p.operand, true);
    case 'and':
    case 'or':
      return underNot || p.operands.some((o) => negatesLogic(o, underNot));
    case 'all':
      return p.operands.some((o) => negatesLogic(o, underNot));
    default:
      return false;
  }
}

function flattenAll(p: StorePredicate): StorePredicate[] {
  return p.kind === 'all' ? p.operands.flatMap(flattenAll) : [p];
}

/** A StorePredicate as a Flux expression over `r`. */
export function predicateToFlux(p: StorePredicate): string {
  switch (p.kind) {
    case 'true':
      return 'true';
    case 'and':
    case 'or':
      return '(' + p.operands.map(predicateToFlux).join(` ${p.kind} `) + ')';
    case 'all':
      // Inside one expression: each operand compared with true, so a null one drops the row.
      return '(' + p.operands.map((o) => `(${predicateToFlux(o)}) == true`).join(' and ') + ')';
    case 'not':
      return `not (${predicateToFlux(p.operand)})`;
    case 'tag': {
      const col = `r[${quoteString(p.key)}]`;
      if (typeof p.value === 'string') return `${col} ${p.op} ${quoteString(p.value)}`;
      // The Flux pattern as written: its JS translation has lost the RE2 flags (`(?i)` became
      // the JS flag i) and may use JS-only syntax. RegExp#source already escapes `/`.
      if (p.source !== undefined) return `${col} ${p.op} /${p.source.replace(/\//g, '\\/')}/`;
      return `${col} ${p.op} /${p.value.source}/`;
    }
    case 'value':
      return `r._value ${p.op} ${fluxValue(p.value)}`;
  }
}

/** The Flux query a remote source sends. */
export function remoteQuery(params: RemoteParams, range: { start: bigint; stop: bigint }, predicate: StorePredicate | undefined): string {
  const bucket = params.byID ? `bucketID: ${quoteString(params.bucket)}` : `bucket: ${quoteString(params.bucket)}`;
  let q = `from(${bucket}) |> range(start: ${formatTimeNs(range.start)}, stop: ${formatTimeNs(range.stop)})`;
  // Successive filters stay successive (a row the first drops never reaches the second).
  const filters = predicate === undefined ? [] : predicate.kind === 'all' ? flattenAll(predicate) : [predicate];
  for (const p of filters) q += ` |> filter(fn: (r) => ${predicateToFlux(p)})`;
  return q;
}

class RemoteSource extends SourceBase {
  constructor(
    ctx: NativeContext,
    private readonly params: RemoteParams,
    range: { start: bigint; stop: bigint } | undefined,
    predicate: StorePredicate | undefined,
  ) {
    super(ctx, params.bucket, range, predicate);
  }
  protected with(range: { start: bigint; stop: bigint } | undefined, predicate: StorePredicate | undefined): SourceBase {
    return new RemoteSource(this.ctx, this.params, range, predicate);
  }
  /**
   * The server evaluates and/or as Flux's Go runtime does (a null left operand counts as
   * false), not with the SPEC's three-valued logic promflux follows: in a filter the two
   * agree except under `not` (`not (null and true)` keeps the row there, drops it here). Such
   * a filter is not pushed: it runs here, on what the server sends.
   */
  override pushFilter(fn: FunctionValue): PushdownSource | undefined {
    const p = predicateOf(fn);
    if (p !== undefined && negatesLogic(p, false)) return undefined;
    return super.pushFilter(fn);
  }
  protected async *tables(range: { start: bigint; stop: bigint }): AsyncIterable<Table> {
    const ctx = this.ctx;
    const { host, token, org } = this.params;
    // Messages name the host without user:password@ (and without a query string).
    const where = redactUrl(host);
    const fail = (id: string, msg: string, cause?: unknown) => new FluxError('unavailable', id, msg, { span: ctx.span, source: ctx.source, cause });
    if (org === undefined) throw new FluxError('invalid', 'from.missingOrg', 'from() with host needs org or orgID', { span: ctx.span, source: ctx.source });
    let text: string;
    try {
      const api = new InfluxDB({ url: host, token: token ?? '', timeout: 60_000 }).getQueryApi(org);
      text = await api.queryRaw(remoteQuery(this.params, range, this.predicate));
    } catch (e) {
      const status = e instanceof HttpError ? ` (HTTP ${e.statusCode})` : '';
      let detail = e instanceof HttpError ? (e.body ? `: ${e.body.slice(0, 300)}` : '') : `: ${(e as Error).message}`;
      // The client's own text may quote the URL as given, or the token: mask both in it (only
      // in it, so that a short token does not garble the rest of the message).
      detail = detail.replaceAll(host, where);
      if (token) detail = detail.replaceAll(token, '***');
      throw fail('from.remoteFailed', `query to ${where} failed${status}${detail}`, e);
    }
    const decoded = decodeCsv(text, { source: where });
    if (decoded.error !== undefined) throw fail('from.remoteError', `${where} answered with an error: ${decoded.error}`);
    for (const r of decoded.results) yield* r.tables;
  }
}

export function remoteSource(ctx: NativeContext, params: RemoteParams): SourceBase {
  return new RemoteSource(ctx, params, undefined, undefined);
}
