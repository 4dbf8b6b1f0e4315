// The date package, honouring `location` (including DST in America/New_York).
import { errorCases, valueCases } from '../../interpreter/flux.js';

const p = 'import "date"\nimport "timezone"\nt = 2030-03-15T13:45:30.123456789Z\n';

valueCases('date fields', [
  { src: 'date.second(t: t)', want: '30' },
  { src: 'date.minute(t: t)', want: '45' },
  { src: 'date.hour(t: t)', want: '13' },
  { src: 'date.weekDay(t: t)', want: '5', name: '2030-03-15 is a Friday' },
  { src: 'date.weekDay(t: t) == date.Friday', want: 'true' },
  { src: 'date.monthDay(t: t)', want: '15' },
  { src: 'date.yearDay(t: t)', want: '74' },
  { src: 'date.month(t: t) == date.March', want: 'true' },
  { src: 'date.year(t: t)', want: '2030' },
  { src: 'date.week(t: t)', want: '11' },
  { src: 'date.week(t: 2021-01-03T00:00:00Z)', want: '53', name: 'ISO week belongs to the previous year' },
  { src: 'date.quarter(t: t)', want: '1' },
  { src: 'date.millisecond(t: t)', want: '123' },
  { src: 'date.microsecond(t: t)', want: '123456' },
  { src: 'date.nanosecond(t: t)', want: '123456789' },
  { src: 'date.hour(t: -1h)', want: '23', name: 'a duration is relative to now()' },
  { src: 'date.time(t: -1d)', want: '2029-12-31T00:00:00Z' },
  { src: 'date.hour(t: t, location: timezone.location(name: "America/New_York"))', want: '9', name: 'EDT is UTC-4' },
  { src: 'date.hour(t: 2030-01-15T13:00:00Z, location: timezone.location(name: "America/New_York"))', want: '8', name: 'EST is UTC-5' },
  { src: 'date.hour(t: t, location: timezone.fixed(offset: -30m))', want: '13' },
  { src: 'date.monthDay(t: 2030-03-15T02:00:00Z, location: timezone.location(name: "America/New_York"))', want: '14' },
], p);

valueCases('date arithmetic', [
  { src: 'date.truncate(t: t, unit: 1h)', want: '2030-03-15T13:00:00Z' },
  { src: 'date.truncate(t: t, unit: 1mo)', want: '2030-03-01T00:00:00Z' },
  { src: 'date.truncate(t: t, unit: 1y)', want: '2030-01-01T00:00:00Z' },
  { src: 'date.truncate(t: 2021-03-14T12:00:00Z, unit: 1d, location: timezone.location(name: "America/New_York"))', want: '2021-03-14T05:00:00Z', name: 'local midnight before spring-forward is EST' },
  { src: 'date.truncate(t: 2021-03-15T12:00:00Z, unit: 1d, location: timezone.location(name: "America/New_York"))', want: '2021-03-15T04:00:00Z', name: 'local midnight after spring-forward is EDT' },
  { src: 'date.add(d: 1mo, to: 2021-03-01T14:00:00Z, location: timezone.location(name: "America/New_York"))', want: '2021-04-01T13:00:00Z', name: 'a month later at the same local time, across DST' },
  { src: 'date.add(d: 1d, to: 2021-03-13T17:00:00Z, location: timezone.location(name: "America/New_York"))', want: '2021-03-14T17:00:00Z', name: '1d is 24h' },
  { src: 'date.add(d: 1mo, to: 2030-01-31T00:00:00Z)', want: '2030-02-28T00:00:00Z' },
  { src: 'date.sub(d: 1mo, from: 2030-03-31T00:00:00Z)', want: '2030-02-28T00:00:00Z' },
  { src: 'date.sub(d: 2h, from: t)', want: '2030-03-15T11:45:30.123456789Z' },
  { src: 'option location = timezone.location(name: "America/New_York")\ndate.truncate(t: 2021-03-15T12:00:00Z, unit: 1d)', want: '2021-03-15T04:00:00Z', name: 'the location option is the default' },
], p);

errorCases('date', [
  { src: 'x = date.hour(t: "2030-01-01")', id: 'call.argumentType', span: '4:5-4:31' },
  { src: 'x = date.truncate(t: t, unit: 0s)', id: 'date.invalidUnit' },
  { src: 'x = date.truncate(t: t, unit: 1mo1d)', id: 'date.invalidUnit' },
  { src: 'x = date.hour(t: t, location: timezone.location(name: "Nowhere/City"))', id: 'location.unknownZone' },
  { src: 'x = date.hour(t: t, location: {zone: "Nowhere/City", offset: 0h})', id: 'location.unknownZone' },
  { src: 'x = date.hour(t: t, location: {zone: 1, offset: 0h})', id: 'location.invalid' },
  { src: 'x = date.add(d: 1h)', id: 'call.missingArgument' },
  { src: 'x = date.sub(d: 1, from: t)', id: 'call.argumentType' },
  { src: 'x = date.year(time: t)', id: 'call.unknownArgument' },
], p);
