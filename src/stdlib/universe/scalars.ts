// Universe helpers: `now`, `display`, `length`, `contains`, `die`, `yield`.
import { FluxError } from '../../errors/index.js';
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { valuesEqual } from '../../values/compare.js';
import { displayValue } from '../../values/display.js';
import { ArrayValue } from '../../values/value.js';

export const now: NativeFunction = (_args, ctx) => ctx.now();

export const display: NativeFunction = (args) => displayValue(args.get('v')!);

export const length: NativeFunction = (args) => {
  const arr = args.get('arr')!;
  return arr === null ? null : BigInt((arr as ArrayValue).elements.length);
};

export const contains: NativeFunction = (args) => {
  const value = args.get('value')!;
  const set = args.get('set')!;
  if (set === null) return false;
  for (const x of (set as ArrayValue).elements) if (valuesEqual(x, value)) return true;
  return false;
};

/** `die(msg:)` stops the program: the error carries the message as given. */
export const die: NativeFunction = (args) => {
  const msg = args.get('msg');
  throw new FluxError('invalid', 'die', typeof msg === 'string' ? msg : 'die called');
};

export const yieldFn: NativeFunction = (args, ctx) => {
  const tables = args.get('tables')!;
  const name = args.get('name');
  ctx.addResult(typeof name === 'string' ? name : '_result', tables);
  return tables;
};
