// The strings package (stdlib/strings/strings.flux).
import type { NativePackage } from '../../runtime/builtin-api.js';
import { compare, equalFold, title, toLower, toTitle, toUpper } from './case.js';
import { containsAny, containsStr, countStr, hasPrefix, hasSuffix, index, indexAny, lastIndex } from './search.js';
import { joinStr, repeat, replace, replaceAll, split, splitAfter, splitN_ } from './split-join.js';
import { isDigit, isLetter, isLower, isSpace, isUpper, strlen, substring } from './substring.js';
import { trim, trimLeft, trimPrefix, trimRight, trimSpace, trimSuffix } from './trim.js';

export const stringsPackage: NativePackage = {
  path: 'strings',
  builtins: {
    toUpper,
    toLower,
    toTitle,
    title,
    equalFold,
    compare,
    trimSpace,
    trim,
    trimLeft,
    trimRight,
    trimPrefix,
    trimSuffix,
    hasPrefix,
    hasSuffix,
    containsStr,
    containsAny,
    countStr,
    index,
    lastIndex,
    indexAny,
    replace,
    replaceAll,
    split,
    splitN: splitN_,
    splitAfter,
    joinStr,
    repeat,
    substring,
    strlen,
    isDigit,
    isLetter,
    isLower,
    isUpper,
    isSpace,
  },
};
