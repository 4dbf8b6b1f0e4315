// redactSource: credentials in quoted source lines become `*`, same length, nothing else moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSource } from '../../src/cli/redact.js';

const cases: { name: string; input: string; want: string }[] = [
  { name: 'URL userinfo password', input: 'scrape(url: "http://u:pw1@h:9/m")', want: 'scrape(url: "http://u:***@h:9/m")' },
  { name: 'bearerToken argument, escaped quote inside', input: 'f(bearerToken: "a\\"b")', want: 'f(bearerToken: "****")' },
  { name: 'token and password arguments', input: 'to(token: "tk", org: "o", password: "pw")', want: 'to(token: "**", org: "o", password: "**")' },
  { name: 'Authorization header, quoted key', input: 'h = {"Authorization": "Bearer x"}', want: 'h = {"Authorization": "********"}' },
  { name: 'Authorization header, bare key', input: 'h = {authorization: "Basic y"}', want: 'h = {authorization: "*******"}' },
  { name: 'assignment to a credential name', input: 'apiKey = "k3y"\nmyToken = "t"', want: 'apiKey = "***"\nmyToken = "*"' },
  { name: 'a comparison is not an assignment', input: 'x = myToken == "t"', want: 'x = myToken == "t"' },
  { name: 'URLs without a password stay', input: 'u = "http://user@h/m"\nv = "https://h:9100/metrics"', want: 'u = "http://user@h/m"\nv = "https://h:9100/metrics"' },
  { name: 'InfluxDB 1.x u and p in the query: the password goes', input: 'to(host: "http://a:pw@h:1/?u=alice&p=hunter3", bucket: "b")', want: 'to(host: "http://a:**@h:1/?u=alice&p=*******", bucket: "b")' },
  { name: 'token-like query parameters', input: 'scrape(url: "http://h/m?access_token=abc&x=1&api-key=k#f")', want: 'scrape(url: "http://h/m?access_token=***&x=1&api-key=*#f")' },
  { name: 'other query parameters stay', input: 'scrape(url: "http://h/probe?target=x&module=http_2xx&page=2")', want: 'scrape(url: "http://h/probe?target=x&module=http_2xx&page=2")' },
  { name: 'other strings stay', input: 'filter(fn: (r) => r._field == "up")', want: 'filter(fn: (r) => r._field == "up")' },
];

for (const c of cases) {
  test(`redactSource: ${c.name}`, () => {
    const got = redactSource(c.input);
    assert.equal(got, c.want);
    assert.equal(got.length, c.input.length);
  });
}
