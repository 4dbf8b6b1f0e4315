// The timezone package.
import { errorCases, valueCases } from '../../interpreter/flux.js';

const p = 'import "timezone"\n';

valueCases('timezone', [
  { src: 'timezone.utc', want: '{zone: "UTC", offset: 0ns}' },
  { src: 'timezone.fixed(offset: -8h)', want: '{zone: "UTC", offset: -8h}' },
  { src: 'timezone.location(name: "Europe/Paris")', want: '{zone: "Europe/Paris", offset: 0ns}' },
], p);

errorCases('timezone', [
  { src: 'x = timezone.location(name: "Europe/Atlantis")', id: 'location.unknownZone', span: '2:5-2:47' },
  { src: 'x = timezone.location(name: 1)', id: 'call.argumentType' },
], p);
