// Relabeling with Prometheus's rules (prometheus/model/relabel, documented under
// `<relabel_config>` in the Prometheus configuration docs):
//
// - defaults: action `replace`, separator `;`, regex `(.*)`, replacement `$1`;
// - the regex is RE2 and fully anchored: `^(?:regex)$`;
// - the source value is the source labels' values joined by the separator (a missing label
//   is the empty string);
// - `replace`: when the regex matches, the target label (itself expanded with the match's
//   groups) is set to the expanded replacement, or removed when that is empty; no match,
//   no change;
// - `keep` / `drop`: drop the label set when the value does not / does match;
// - `keepequal` / `dropequal`: drop when the value does not / does equal the target label's;
// - `hashmod`: target = (MD5 of the value, its last 8 bytes read big-endian) mod modulus;
// - `labelmap`: for every label whose NAME matches, copy its value to the expanded replacement;
// - `labeldrop` / `labelkeep`: remove labels whose names match / do not match;
// - `lowercase` / `uppercase`: target = the value in lower / upper case.
//
// Setting a label to the empty string removes it, as Prometheus's labels.Builder.Set does
// (an empty label is no label): `lowercase` of a missing source removes the target label.
//
// Replacement expansion follows Go's regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, and
// `$$` for a literal `$`; `$name` takes the longest run of letters, digits and `_`, so
// `$1x` names the group "1x" (which usually does not exist: empty).

import { createHash } from 'node:crypto';
import { FluxError } from '../errors/index.js';
import { translateRe2 } from '../values/regexp.js';

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
];

export interface RelabelRuleInput {
  sourceLabels?: readonly string[];
  separator?: string;
  targetLabel?: string;
  regex?: string;
  modulus?: number;
  replacement?: string;
  action?: string;
}

/** A validated rule with its regex compiled. */
export interface RelabelRule {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly targetLabel: string;
  readonly regex: RegExp;
  readonly regexSource: string;
  readonly modulus: number;
  readonly replacement: string;
  readonly action: RelabelAction;
}

/** A label set; `null` from `relabel` means the set was dropped. */
export type Labels = Map<string, string>;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * An RE2 pattern as a fully anchored JavaScript RegExp, `^(?s:pattern)$` as Prometheus
 * compiles it. The RE2 translation (and the rejection of what RE2 does not allow, such as
 * backreferences and lookaround) is the one Flux regexps use (src/values/regexp.ts).
 */
export function compileAnchored(pattern: string): RegExp {
  try {
    const { pattern: js, flags } = translateRe2(pattern, { dotAll: true });
    return new RegExp(`^(?:${js})$`, flags);
  } catch (e) {
    const why = e instanceof FluxError ? e.message : (e as Error).message;
    throw new FluxError('invalid', 'relabel.badRegex', `invalid regex ${JSON.stringify(pattern)}: ${why}`);
  }
}

/** compileAnchored, its error naming the rule. */
function compileInRule(pattern: string, where: string): RegExp {
  try {
    return compileAnchored(pattern);
  } catch (e) {
    if (e instanceof FluxError) throw new FluxError(e.code, e.id, `${where}: ${e.message}`);
    throw e;
  }
}

/** Validate a rule and fill in Prometheus's defaults. `where` prefixes error messages (e.g. `relabel rule 2`). */
export function compileRule(input: RelabelRuleInput, where = 'relabel rule'): RelabelRule {
  const action = (input.action ?? 'replace').toLowerCase();
  if (!(RELABEL_ACTIONS as readonly string[]).includes(action)) {
    throw new FluxError('invalid', 'relabel.badAction', `${where}: unknown action "${input.action}" (one of ${RELABEL_ACTIONS.join(', ')})`);
  }
  const a = action as RelabelAction;
  const regexSource = input.regex ?? '(.*)';
  const rule: RelabelRule = {
    sourceLabels: input.sourceLabels ?? [],
    separator: input.separator ?? ';',
    targetLabel: input.targetLabel ?? '',
    regex: compileInRule(regexSource, where),
    regexSource,
    modulus: input.modulus ?? 0,
    replacement: input.replacement ?? '$1',
    action: a,
  };
  const needsTarget: RelabelAction[] = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (needsTarget.includes(a) && rule.targetLabel === '') {
    throw new FluxError('invalid', 'relabel.missingTarget', `${where}: action "${a}" needs targetLabel`);
  }
  // A replace target without a group reference is a label name as written: an invalid one
  // is a configuration error in Prometheus ("is invalid 'target_label' for replace action"),
  // not a rule that silently never applies. With a reference, an invalid expansion is
  // skipped when the rule runs.
  const literalTarget = a === 'replace' && !rule.targetLabel.includes('$');
  if ((literalTarget || a === 'lowercase' || a === 'uppercase' || a === 'hashmod' || a === 'keepequal' || a === 'dropequal') && !LABEL_NAME.test(rule.targetLabel)) {
    throw new FluxError('invalid', 'relabel.badTarget', `${where}: "${rule.targetLabel}" is not a valid label name for action "${a}"`);
  }
  if (a === 'hashmod' && !(Number.isInteger(rule.modulus) && rule.modulus > 0)) {
    throw new FluxError('invalid', 'relabel.badModulus', `${where}: action "hashmod" needs a positive integer modulus`);
  }
  // Fields an action would ignore are refused, as Prometheus's relabel config check does: a
  // `regex` on keepequal, say, would otherwise look like it filters and silently not.
  const notDefault = (
    [
      ['sourceLabels', (input.sourceLabels?.length ?? 0) > 0],
      ['targetLabel', rule.targetLabel !== ''],
      ['regex', regexSource !== '(.*)'],
      ['separator', rule.separator !== ';'],
      ['modulus', rule.modulus !== 0],
      ['replacement', rule.replacement !== '$1'],
    ] as const
  ).filter(([, set]) => set).map(([name]) => name as string);
  const onlyFields = (allowed: readonly string[]) => {
    const extra = notDefault.filter((f) => !allowed.includes(f));
    if (extra.length) throw new FluxError('invalid', 'relabel.badRule', `${where}: action "${a}" takes only ${allowed.join(' and ')} (not ${extra.join(', ')})`);
  };
  if (a === 'labeldrop' || a === 'labelkeep') onlyFields(['regex']);
  if (a === 'keepequal' || a === 'dropequal') {
    onlyFields(['sourceLabels', 'targetLabel']);
    if (rule.sourceLabels.length === 0) throw new FluxError('invalid', 'relabel.badRule', `${where}: action "${a}" needs sourceLabels`);
  }
  // labelmap's replacement is a label name with group references (Prometheus's relabelTarget).
  if (a === 'labelmap' && !/^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/.test(rule.replacement)) {
    throw new FluxError('invalid', 'relabel.badRule', `${where}: "${rule.replacement}" is not a valid replacement for action "labelmap" (a label name, with $1 or \${1} references)`);
  }
  return rule;
}

/** Go regexp.Expand over a JavaScript match. */
export function expand(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '$' || i === template.length - 1) {
      out += ch;
      continue;
    }
    const next = template[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += ch; // not a valid reference: keep the '$' literally, as Go does
        continue;
      }
      name = inner;
      i = close;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += ch;
        continue;
      }
      name = m[0];
      i += name.length;
    }
    out += groupValue(match, name);
  }
  return out;
}

function groupValue(match: RegExpExecArray, name: string): string {
  if (/^[0-9]+$/.test(name)) {
    const n = Number(name);
    return n < match.length ? (match[n] ?? '') : '';
  }
  return match.groups?.[name] ?? '';
}

/** MD5 of the value; its last 8 bytes big-endian; mod modulus (Prometheus's hashmod). */
export function hashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value, 'utf8').digest();
  const low = digest.readBigUInt64BE(8);
  return Number(low % BigInt(modulus));
}

/** Apply rules in order; returns the new label set, or null when a rule dropped it. */
export function relabel(input: ReadonlyMap<string, string>, rules: readonly RelabelRule[]): Labels | null {
  const labels: Labels = new Map(input);
  for (const rule of rules) {
    if (!applyRule(labels, rule)) return null;
  }
  return labels;
}

function sourceValue(labels: Labels, rule: RelabelRule): string {
  return rule.sourceLabels.map((n) => labels.get(n) ?? '').join(rule.separator);
}

/** labels.Builder.Set: an empty value deletes the label. */
function setLabel(labels: Labels, name: string, value: string): void {
  if (value === '') labels.delete(name);
  else labels.set(name, value);
}

/** Apply one rule in place; false when the label set is dropped. */
function applyRule(labels: Labels, rule: RelabelRule): boolean {
  const value = sourceValue(labels, rule);
  switch (rule.action) {
    case 'keep':
      return rule.regex.test(value);
    case 'drop':
      return !rule.regex.test(value);
    case 'keepequal':
      return value === (labels.get(rule.targetLabel) ?? '');
    case 'dropequal':
      return value !== (labels.get(rule.targetLabel) ?? '');
    case 'replace': {
      const m = rule.regex.exec(value);
      if (!m) return true;
      const target = expand(rule.targetLabel, m);
      if (!LABEL_NAME.test(target)) return true;
      const res = expand(rule.replacement, m);
      setLabel(labels, target, res);
      return true;
    }
    case 'lowercase':
      setLabel(labels, rule.targetLabel, value.toLowerCase());
      return true;
    case 'uppercase':
      setLabel(labels, rule.targetLabel, value.toUpperCase());
      return true;
    case 'hashmod':
      labels.set(rule.targetLabel, String(hashmod(value, rule.modulus)));
      return true;
    case 'labelmap': {
      const add: [string, string][] = [];
      for (const [name, v] of labels) {
        const m = rule.regex.exec(name);
        if (m) add.push([expand(rule.replacement, m), v]);
      }
      for (const [name, v] of add) setLabel(labels, name, v);
      return true;
    }
    case 'labeldrop':
      for (const name of [...labels.keys()]) if (rule.regex.test(name)) labels.delete(name);
      return true;
    case 'labelkeep':
      for (const name of [...labels.keys()]) if (!rule.regex.test(name)) labels.delete(name);
      return true;
  }
}
