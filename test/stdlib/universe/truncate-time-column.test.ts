// truncateTimeColumn is Flux's `map(fn: (r) => ({r with _time: date.truncate(t: r._time, unit)}))`:
// it truncates on the calendar of the `location` option, as date.truncate does.
import { valueCases } from '../../interpreter/flux.js';

const p = `import "array"
import "timezone"
times = (t, unit) => {
    rows = array.from(rows: [{_time: t, _value: 1}]) |> truncateTimeColumn(unit: unit) |> findColumn(fn: (key) => true, column: "_time")
    return rows[0]
}
`;
const ny = 'option location = timezone.location(name: "America/New_York")\n';
const london = 'option location = timezone.location(name: "Europe/London")\n';

valueCases('truncateTimeColumn', [
  { src: 'times(t: 2021-03-14T06:30:00Z, unit: 1d)', want: '2021-03-14T00:00:00Z', name: 'UTC by default' },
  { src: ny + 'times(t: 2021-03-14T06:30:00Z, unit: 1d)', want: '2021-03-14T05:00:00Z', name: 'local midnight (EST) in the location option' },
  { src: ny + 'times(t: 2021-03-15T12:00:00Z, unit: 1d)', want: '2021-03-15T04:00:00Z', name: 'local midnight (EDT) after the change' },
  { src: ny + 'times(t: 2021-03-01T02:00:00Z, unit: 1mo)', want: '2021-02-01T05:00:00Z', name: 'the local first of the month' },
  { src: london + 'times(t: 2021-10-31T01:30:00Z, unit: 1h)', want: '2021-10-31T01:00:00Z', name: 'the repeated hour' },
  { src: 'option location = timezone.fixed(offset: 5h30m)\ntimes(t: 2021-01-01T12:00:00Z, unit: 1d)', want: '2020-12-31T18:30:00Z', name: 'a fixed offset' },
  { src: ny + 'times(t: 2021-03-14T06:30:00Z, unit: 1m)', want: '2021-03-14T06:30:00Z' },
], p);
