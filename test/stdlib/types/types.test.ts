// The types package.
import { errorCases, valueCases } from '../../interpreter/flux.js';

const p = 'import "types"\n';

valueCases('types', [
  { src: 'types.isType(v: "a", type: "string")', want: 'true' },
  { src: 'types.isType(v: 1, type: "int")', want: 'true' },
  { src: 'types.isType(v: 1, type: "float")', want: 'false' },
  { src: 'types.isType(v: uint(v: 1), type: "uint")', want: 'true' },
  { src: 'types.isType(v: 1.0, type: "float")', want: 'true' },
  { src: 'types.isType(v: true, type: "bool")', want: 'true' },
  { src: 'types.isType(v: now(), type: "time")', want: 'true' },
  { src: 'types.isType(v: 1h, type: "duration")', want: 'true' },
  { src: 'types.isType(v: /a/, type: "regexp")', want: 'true' },
  { src: 'types.isType(v: bytes(v: "a"), type: "bytes")', want: 'true' },
  { src: 'types.isType(v: [1], type: "int")', want: 'false' },
  { src: 'types.isNumeric(v: 1.5)', want: 'true' },
  { src: 'types.isNumeric(v: "1")', want: 'false' },
], p);

errorCases('types', [
  { src: 'x = types.isType(v: 1, type: "integer")', id: 'types.unknownType', span: '2:5-2:40' },
  { src: 'x = types.isType(v: 1)', id: 'call.missingArgument' },
  { src: 'x = types.isType(v: 1, type: 1)', id: 'call.argumentType' },
], p);
