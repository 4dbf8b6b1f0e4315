// The regexp package (Go semantics on RE2 patterns).
import { errorCases, valueCases } from '../../interpreter/flux.js';

const p = 'import "regexp"\n';

valueCases('regexp', [
  { src: 'regexp.compile(v: "a+b")', want: '/a+b/' },
  { src: 'regexp.matchRegexpString(r: /^node_/, v: "node_cpu")', want: 'true' },
  { src: 'regexp.matchRegexpString(r: regexp.compile(v: "x$"), v: "xy")', want: 'false' },
  { src: 'regexp.findString(r: /[0-9]+/, v: "abc123def45")', want: '"123"' },
  { src: 'regexp.findString(r: /z/, v: "abc")', want: '""' },
  { src: 'regexp.findStringIndex(r: /l+/, v: "héllo")', want: '[3, 5]', name: 'byte offsets' },
  { src: 'regexp.findStringIndex(r: /z/, v: "abc")', want: '[]' },
  { src: 'regexp.replaceAllString(r: /a(x*)b/, v: "-ab-axxb-", t: "\\${1}W")', want: '"-W-xxW-"' },
  { src: 'regexp.replaceAllString(r: /(?P<k>\\w+)=(\\w+)/, v: "a=1 b=2", t: "$2:\\${k}")', want: '"1:a 2:b"' },
  { src: 'regexp.replaceAllString(r: /a(x*)b/, v: "-ab-axxb-", t: "$1W")', want: '"---"', name: 'Go reads $1W as the group named 1W' },
  { src: 'regexp.replaceAllString(r: /x*/, v: "abc", t: "-")', want: '"-a-b-c-"', name: 'empty matches as Go' },
  { src: 'regexp.splitRegexp(r: /a*/, v: "abaabaccadaaae", i: 5)', want: '["", "b", "b", "c", "cadaaae"]' },
  { src: 'regexp.splitRegexp(r: /,/, v: "a,b,c", i: -1)', want: '["a", "b", "c"]' },
  { src: 'regexp.splitRegexp(r: /,/, v: "a,b,c", i: 0)', want: '[]' },
  { src: 'regexp.quoteMeta(v: "1.5+[x]")', want: '"1\\\\.5\\\\+\\\\[x\\\\]"' },
  { src: 'regexp.getString(r: /a.b/)', want: '"a.b"' },
], p);

errorCases('regexp', [
  { src: 'x = regexp.compile(v: "(a")', id: 'regexp.invalid', span: '2:5-2:28' },
  { src: 'x = regexp.compile(v: "(a)\\\\1")', id: 'regexp.invalid', name: 'backreferences are not RE2' },
  { src: 'x = regexp.compile(v: "(?U)a")', id: 'regexp.unsupported' },
  { src: 'x = regexp.findString(r: "a", v: "a")', id: 'call.argumentType' },
  { src: 'x = regexp.splitRegexp(r: /a/, v: "a")', id: 'call.missingArgument' },
  { src: 'x = regexp.getString(v: /a/)', id: 'call.unknownArgument' },
  { src: 'x = regexp.matchRegexpString(r: /a/, v: 1)', id: 'call.argumentType' },
  { src: 'x = regexp.findStringIndex(r: /a/)', id: 'call.missingArgument' },
  { src: 'x = regexp.replaceAllString(r: /a/, v: "a")', id: 'call.missingArgument' },
  { src: 'x = regexp.quoteMeta(v: 1)', id: 'call.argumentType' },
], p);
