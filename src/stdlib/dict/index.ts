// The dict package (stdlib/dict/dict.flux). Dictionaries are immutable: every function
// returns a new one.
import { FluxError } from '../../errors/index.js';
import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { dictKeyOf } from '../../values/compare.js';
import { ArrayValue, DictValue, RecordValue, typeOf } from '../../values/value.js';
import type { Value } from '../../values/value.js';

type Entries = Map<string | number | bigint | boolean, { key: Value; value: Value }>;

// Flux SPEC, Types (Dictionary types): "Keys must be comparable and of the same type. Values
// must also be of the same type." The signatures below say so with K and V; without static
// inference they are checked here against the dictionary's entries (an empty dict or null
// values constrain nothing).
function typesOf(entries: Iterable<{ key: Value; value: Value }>): { key?: string; value?: string } {
  const out: { key?: string; value?: string } = {};
  for (const e of entries) {
    if (out.key === undefined && e.key !== null) out.key = typeOf(e.key);
    if (out.value === undefined && e.value !== null) out.value = typeOf(e.value);
    if (out.key !== undefined && out.value !== undefined) break;
  }
  return out;
}
function expectType(what: string, want: string | undefined, v: Value): void {
  if (want === undefined || v === null) return;
  const got = typeOf(v);
  if (got !== want) throw new FluxError('invalid', 'type.mismatch', `${what} must be ${want} like the dictionary's ${what.startsWith('key') ? 'keys' : 'values'}, got ${got}`);
}

export const fromList: NativeFunction = (a) => {
  const pairs = a.get('pairs') as ArrayValue | null;
  if (pairs === null) return null;
  const m: Entries = new Map();
  pairs.elements.forEach((p, i) => {
    if (!(p instanceof RecordValue) || !p.fields.has('key') || !p.fields.has('value')) {
      throw new FluxError('invalid', 'dict.invalidPair', `pairs[${i}] must be a record {key, value}, got ${typeOf(p)}`);
    }
    const key = p.get('key')!;
    const value = p.get('value')!;
    const k = dictKeyOf(key);
    const t = typesOf(m.values());
    expectType(`key of pairs[${i}]`, t.key, key);
    expectType(`value of pairs[${i}]`, t.value, value);
    m.set(k, { key, value });
  });
  return new DictValue(m);
};

export const get: NativeFunction = (a) => {
  const d = a.get('dict') as DictValue | null;
  if (d === null) return a.get('default')!;
  const k = dictKeyOf(a.get('key')!);
  const t = typesOf(d.entries.values());
  expectType('key', t.key, a.get('key')!);
  expectType('default', t.value, a.get('default')!);
  return d.entries.get(k)?.value ?? a.get('default')!;
};

export const insert: NativeFunction = (a) => {
  const d = a.get('dict') as DictValue | null;
  const key = a.get('key')!;
  const value = a.get('value')!;
  const k = dictKeyOf(key);
  if (d !== null) {
    const t = typesOf(d.entries.values());
    expectType('key', t.key, key);
    expectType('value', t.value, value);
  }
  const m: Entries = new Map(d?.entries ?? []);
  m.set(k, { key, value });
  return new DictValue(m);
};

export const remove: NativeFunction = (a) => {
  const d = a.get('dict') as DictValue | null;
  if (d === null) return null;
  dictKeyOf(a.get('key')!);
  expectType('key', typesOf(d.entries.values()).key, a.get('key')!);
  const m: Entries = new Map(d.entries);
  m.delete(dictKeyOf(a.get('key')!));
  return new DictValue(m);
};

export const dictPackage: NativePackage = { path: 'dict', builtins: { fromList, get, insert, remove } };
