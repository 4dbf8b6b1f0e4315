// Conversions between Flux values and discovery's target and rule types.
// A target in Flux is `{address: string, labels: [string: string]}`.

import { FluxError } from '../../../../errors/index.js';
import { ArrayValue, DictValue, Duration, RecordValue, typeOf, type Value } from '../../../../values/value.js';
import { compileRule, type RelabelRule, type RelabelRuleInput } from '../../../../discovery/relabel.js';
import type { DiscoveredTarget, TargetGroup } from '../../../../discovery/targets.js';

function invalid(id: string, message: string): FluxError {
  return new FluxError('invalid', id, message);
}

export function stringArray(v: Value | undefined, what: string): string[] {
  if (!(v instanceof ArrayValue)) throw invalid('discovery.badArgument', `${what} must be an array of strings, got ${v === undefined ? 'nothing' : typeOf(v)}`);
  return v.elements.map((e, i) => {
    if (typeof e !== 'string') throw invalid('discovery.badArgument', `${what}[${i}] must be a string, got ${typeOf(e)}`);
    return e;
  });
}

/** A record or a dictionary of strings, as a plain object. */
export function stringMap(v: Value | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  const put = (k: Value, val: Value) => {
    if (typeof k !== 'string' || typeof val !== 'string') throw invalid('discovery.badArgument', `${what} must map strings to strings`);
    out[k] = val;
  };
  if (v instanceof RecordValue) for (const [k, val] of v.fields) put(k, val);
  else if (v instanceof DictValue) for (const { key, value } of v.entries.values()) put(key, value);
  else throw invalid('discovery.badArgument', `${what} must be a record or a dictionary, got ${typeOf(v)}`);
  return out;
}

export function dictOf(labels: ReadonlyMap<string, string> | Readonly<Record<string, string>>): DictValue {
  const entries = labels instanceof Map ? [...labels] : Object.entries(labels);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new DictValue(new Map(entries.map(([k, v]) => [k, { key: k, value: v }])));
}

/** Target groups -> the Flux array of targets (one element per address). */
export function targetsValue(groups: readonly TargetGroup[]): ArrayValue {
  const out: Value[] = [];
  for (const g of groups) {
    for (const address of g.targets) {
      out.push(RecordValue.of({ address, labels: dictOf({ ...g.labels, __address__: address }) }));
    }
  }
  return new ArrayValue(out);
}

/** The Flux array of targets -> discovered targets (label sets with `__address__`). */
export function discoveredTargets(v: Value | undefined, what = 'targets'): DiscoveredTarget[] {
  if (!(v instanceof ArrayValue)) throw invalid('discovery.badArgument', `${what} must be an array of targets ({address, labels}), got ${v === undefined ? 'nothing' : typeOf(v)}`);
  return v.elements.map((e, i) => {
    if (typeof e === 'string') return { labels: new Map([['__address__', e]]) };
    if (!(e instanceof RecordValue)) throw invalid('discovery.badArgument', `${what}[${i}] must be a target record or an address string, got ${typeOf(e)}`);
    const labels = new Map(Object.entries(stringMap(e.get('labels') ?? null, `${what}[${i}].labels`)));
    const address = e.get('address');
    if (typeof address === 'string') labels.set('__address__', address);
    return { labels };
  });
}

/** Discovered targets (after relabeling) -> the Flux array. */
export function discoveredValue(targets: readonly DiscoveredTarget[]): ArrayValue {
  return new ArrayValue(targets.map((t) => RecordValue.of({ address: t.labels.get('__address__') ?? '', labels: dictOf(t.labels) })));
}

const RULE_FIELDS = new Set(['sourceLabels', 'separator', 'targetLabel', 'regex', 'modulus', 'replacement', 'action']);

/** The Flux array of rule records -> compiled rules. */
export function relabelRules(v: Value | undefined, what: string): RelabelRule[] {
  if (v === undefined || v === null) return [];
  if (!(v instanceof ArrayValue)) throw invalid('relabel.badRule', `${what} must be an array of rule records, got ${typeOf(v)}`);
  return v.elements.map((e, i) => {
    const where = `${what}[${i}]`;
    if (!(e instanceof RecordValue)) throw invalid('relabel.badRule', `${where} must be a record, got ${typeOf(e)}`);
    const input: RelabelRuleInput = {};
    for (const [k, val] of e.fields) {
      if (!RULE_FIELDS.has(k)) throw invalid('relabel.badRule', `${where}: unknown field "${k}" (known: ${[...RULE_FIELDS].join(', ')})`);
      if (k === 'sourceLabels') input.sourceLabels = stringArray(val, `${where}.sourceLabels`);
      else if (k === 'modulus') {
        if (typeof val !== 'bigint') throw invalid('relabel.badRule', `${where}.modulus must be an int`);
        input.modulus = Number(val);
      } else {
        if (typeof val !== 'string') throw invalid('relabel.badRule', `${where}.${k} must be a string, got ${typeOf(val)}`);
        (input as Record<string, unknown>)[k] = val;
      }
    }
    return compileRule(input, where);
  });
}

/** A duration argument in milliseconds (months are not allowed here). */
export function durationMs(v: Value | undefined, fallbackMs: number, what: string): number {
  if (v === undefined || v === null) return fallbackMs;
  if (!(v instanceof Duration) || v.months !== 0n || v.negative) throw invalid('discovery.badArgument', `${what} must be a positive duration without months`);
  return Number(v.nanoseconds / 1_000_000n);
}
