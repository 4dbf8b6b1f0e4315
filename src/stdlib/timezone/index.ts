// timezone.location (stdlib/timezone/timezone.flux): IANA zones through Intl.
import type { NativePackage } from '../../runtime/builtin-api.js';
import { checkZone } from '../../values/calendar.js';
import { Duration, RecordValue } from '../../values/value.js';

export const timezonePackage: NativePackage = {
  path: 'timezone',
  builtins: {
    location: (args) => {
      const name = args.get('name') as string;
      checkZone(name);
      return RecordValue.of({ zone: name, offset: new Duration(0n, 0n) });
    },
  },
};
