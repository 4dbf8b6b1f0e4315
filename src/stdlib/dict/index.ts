// The dict package (stdlib/dict/dict.flux). Dictionaries are immutable: every function
// returns a new one.
import { FluxError } from '../../errors/index.js';
import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { dictKeyOf } from '../../values/compare.js';
import { ArrayValue, DictValue, RecordValue, typeOf } from '../../values/value.js';
import type { Value } from '../../values/value.js';

type Entries = Map<string | number | bigint | boolean, { key: Value; value: Value }>;

export const fromList: NativeFunction = (a) => {
  const pairs = a.get('pairs') as ArrayValue | null;
  if (pairs === null) return null;
  const m: Entries = new Map();
  pairs.elements.forEach((p, i) => {
    if (!(p instanceof RecordValue) || !p.fields.has('key') || !p.fields.has('value')) {
      throw new FluxError('invalid', 'dict.invalidPair', `pairs[${i}] must be a record {key, value}, got ${typeOf(p)}`);
    }
    const key = p.get('key')!;
    m.set(dictKeyOf(key), { key, value: p.get('value')! });
  });
  return new DictValue(m);
};

export const get: NativeFunction = (a) => {
  const d = a.get('dict') as DictValue | null;
  if (d === null) return a.get('default')!;
  return d.entries.get(dictKeyOf(a.get('key')!))?.value ?? a.get('default')!;
};

export const insert: NativeFunction = (a) => {
  const d = a.get('dict') as DictValue | null;
  const key = a.get('key')!;
  const m: Entries = new Map(d?.entries ?? []);
  m.set(dictKeyOf(key), { key, value: a.get('value')! });
  return new DictValue(m);
};

export const remove: NativeFunction = (a) => {
  const d = a.get('dict') as DictValue | null;
  if (d === null) return null;
  const m: Entries = new Map(d.entries);
  m.delete(dictKeyOf(a.get('key')!));
  return new DictValue(m);
};

export const dictPackage: NativePackage = { path: 'dict', builtins: { fromList, get, insert, remove } };
