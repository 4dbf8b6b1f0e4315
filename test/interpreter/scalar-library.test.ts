// Documented results of scalar library functions, checked through the whole runtime
// (`source -> value` in display form). Each case cites the rule it pins.
import { errorCases, valueCases } from './flux.js';

// Flux SPEC, Duration literals: "Multiplication and addition of durations to date times".
valueCases(
  'date.scale',
  [
    { src: 'date.add(d: date.scale(d: 1mo, n: 1), to: 2018-01-01T00:00:00Z)', want: '2018-02-01T00:00:00Z' },
    { src: 'date.add(d: date.scale(d: 1mo, n: 3), to: 2018-01-31T00:00:00Z)', want: '2018-04-30T00:00:00Z' },
    { src: 'date.scale(d: 1mo1d, n: -2)', want: '-2mo2d', name: 'each unit is scaled on its own, the sign too' },
  ],
  'import "date"\n',
);

errorCases('date.scale', [{ src: 'import "date"\nx = date.scale(d: 1h, n: 1.5)', id: 'type.mismatch' }]);
