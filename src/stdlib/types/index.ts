// The types package (stdlib/types/types.flux).
import { FluxError } from '../../errors/index.js';
import type { NativePackage } from '../../runtime/builtin-api.js';
import { typeOf } from '../../values/value.js';

const BASIC = new Set(['string', 'bytes', 'int', 'uint', 'float', 'bool', 'time', 'duration', 'regexp']);

export const typesPackage: NativePackage = {
  path: 'types',
  builtins: {
    isType: (a) => {
      const type = a.get('type') as string;
      if (!BASIC.has(type)) {
        throw new FluxError('invalid', 'types.unknownType', `unknown type name ${JSON.stringify(type)} (expected one of ${[...BASIC].join(', ')})`);
      }
      const v = a.get('v')!;
      return v !== null && typeOf(v) === type;
    },
  },
};
