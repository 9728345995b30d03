import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OstiaryError } from '../../../src/domain/index.js';
import type { Argument } from '../../../src/templates/ast.js';
import {
  contentKindOf,
  parseHttpSource,
  parseHttpTemplate,
  parseHttpTemplateOrThrow,
  renderContent,
  renderHeaderValue,
  renderUrl,
  urlMaskParts,
  wildcardMatches,
} from '../../../src/templates/http/index.js';
import type { HttpProgram } from '../../../src/templates/http/index.js';
import { sourceTextOf } from '../../../src/templates/index.js';
import { anyCharacter, textOf } from '../../support/text-arbitraries.js';

function program(source: string): HttpProgram {
  const result = parseHttpTemplate(source);
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.value;
}

function rules(source: string): string[] {
  return parseHttpSource(source).diagnostics.map((entry) => `${entry.severity}:${entry.rule}@${entry.loc.line}:${entry.loc.column}`);
}

/** The argument of the first step that has one. */
function firstArgument(source: string): Argument {
  const step = program(source).steps.find((entry) => 'url' in entry || 'content' in entry || 'value' in entry || 'pattern' in entry);
  assert.ok(step);
  if (step.kind === 'request') return step.url;
  if (step.kind === 'set-request-content') return step.content;
  if (step.kind === 'set-request-header' || step.kind === 'set-request-param') return step.value;
  assert.ok(step.kind === 'expect' || step.kind === 'no-expect');
  return step.pattern;
}

describe('HTTP template parser', () => {
  it('reads every command, case-insensitively, with # comment lines and #@var declarations', () => {
    const parsed = program([
      '#@var REALM "^[a-z]+$" "Realm"',
      '# change the password',
      'SET-REQUEST-METHOD post',
      'set-request-header "Authorization: Bearer [#TOKEN#]"',
      'set-request-param "user=[#USERNAME#]"',
      'set-content-type application/json; charset=utf-8',
      'set-request-content "{"p": "[#NEW_PASSWORD#]"}"',
      'request "https://[#IP#]:[#CONNECT_PORT#]/api/[#REALM#]/users"',
      'expect "*200*"',
      'noexpect "error"',
    ].join('\n'));
    assert.deepEqual(parsed.steps.map((step) => step.kind), [
      'set-request-method', 'set-request-header', 'set-request-param', 'set-content-type', 'set-request-content', 'request', 'expect', 'no-expect',
    ]);
    assert.deepEqual(parsed.variables.map((variable) => variable.name), ['REALM']);
    const [method, header, param, type, content] = parsed.steps;
    assert.equal(method?.kind === 'set-request-method' && method.method, 'POST');
    assert.equal(header?.kind === 'set-request-header' && `${header.name}|${sourceTextOf(header.value)}`, 'Authorization|Bearer [#TOKEN#]');
    assert.equal(param?.kind === 'set-request-param' && `${param.name}|${sourceTextOf(param.value)}`, 'user|[#USERNAME#]');
    assert.equal(type?.kind === 'set-content-type' && type.contentType, 'application/json; charset=utf-8');
    assert.equal(content?.kind === 'set-request-content' && sourceTextOf(content.content), '{"p": "[#NEW_PASSWORD#]"}');
  });

  it('locates a header value mask on its column', () => {
    const value = firstArgument('set-request-header "X-A:   [#USERNAME#]"');
    assert.deepEqual(value.segments[0], { kind: 'mask', name: 'USERNAME', loc: { line: 1, column: 28 } });
  });

  it('reports unknown commands with a suggestion, bad values and misplaced checks', () => {
    assert.deepEqual(rules('requets "http://x/"'), ['error:unknown-command@1:1']);
    assert.match(parseHttpSource('set-request-headr "A: b"').diagnostics[0]?.message ?? '', /did you mean set-request-header\?/);
    assert.deepEqual(rules('set-request-method FETCH\nrequest "http://x/"'), ['error:invalid-value@1:20']);
    assert.deepEqual(rules('set-request-header "Bad Name: x"\nrequest "http://x/"'), ['error:invalid-header@1:21']);
    assert.deepEqual(rules('set-request-header "Content-Length: 5"\nrequest "http://x/"'), ['error:invalid-header@1:21']);
    assert.deepEqual(rules('set-request-header "X-[#A#]: 5"\nrequest "http://x/"'), ['error:invalid-value@1:21']);
    assert.deepEqual(rules('set-request-param "novalue"\nrequest "http://x/"'), ['error:missing-argument@1:20']);
    assert.deepEqual(rules('set-content-type [#TYPE#]\nrequest "http://x/"'), ['error:invalid-value@1:18']);
    assert.deepEqual(rules('expect "ok"\nrequest "http://x/"'), ['error:expect-before-request@1:1']);
    assert.deepEqual(rules('set-request-method GET'), ['warning:no-request@1:1']);
  });

  it('checks request URLs: absolute http(s), no mask in the scheme, secrets flagged', () => {
    assert.deepEqual(rules('request "ftp://x/"'), ['error:invalid-url@1:10']);
    assert.deepEqual(rules('request "/relative"'), ['error:invalid-url@1:10']);
    assert.deepEqual(rules('request "[#URL#]/x"'), ['error:mask-in-scheme@1:10']);
    assert.deepEqual(rules('request "https://h/reset?pw=[#NEW_PASSWORD#]"'), ['warning:secret-in-url@1:29']);
    assert.deepEqual(rules('request "https://[#IP#]:[#CONNECT_PORT#]/u/[#USERNAME#]"'), []);
  });

  it('parseHttpTemplateOrThrow gives OST_TEMPLATE_PARSE naming the line and column', () => {
    assert.throws(() => parseHttpTemplateOrThrow('request "http://x/"\nbogus'), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_TEMPLATE_PARSE' && /line 2, column 1/.test(error.message));
  });
});

describe('HTTP URL masks', () => {
  it('finds the URL part of each mask from the template text', () => {
    const url = firstArgument('request "https://[#AUTH_USER#]:[#X#]@[#IP#]:[#CONNECT_PORT#]/a/[#P#]?q=[#Q#]&r=1#[#F#]"');
    assert.deepEqual(urlMaskParts(url), ['userinfo', 'userinfo', 'host', 'port', 'path', 'query', 'fragment']);
    assert.deepEqual(urlMaskParts(firstArgument('request "http://[::1]:8080/[#P#]"')), ['path']);
    assert.deepEqual(urlMaskParts(firstArgument('request "http://[#HOST#]/x"')), ['host']);
  });

  it('percent-encodes path, query, user info and fragment values; checks host and port values', () => {
    const url = firstArgument('request "http://[#U#]@[#IP#]:[#CONNECT_PORT#]/p/[#P#]?q=[#Q#]#[#F#]"');
    const values = { U: 'a:b@c', IP: '10.0.0.1', CONNECT_PORT: '8443', P: '../x y', Q: 'a&b=c#d', F: '#' };
    assert.equal(renderUrl(url, values), 'http://a%3Ab%40c@10.0.0.1:8443/p/..%2Fx%20y?q=a%26b%3Dc%23d#%23');
    assert.throws(() => renderUrl(url, { ...values, IP: 'evil.com/x?' }), (error: unknown) => error instanceof OstiaryError && error.details.field === 'masks.IP');
    assert.throws(() => renderUrl(url, { ...values, CONNECT_PORT: '80@x' }), (error: unknown) => error instanceof OstiaryError && error.details.field === 'masks.CONNECT_PORT');
  });

  it('property: a path or query value always comes back exactly, and never adds a parameter', () => {
    const url = firstArgument('request "http://h/p/[#P#]?q=[#Q#]"');
    fc.assert(
      fc.property(textOf(anyCharacter({ nul: true }), 0, 30), textOf(anyCharacter({ nul: true }), 0, 30), (path, query) => {
        const parsed = new URL(renderUrl(url, { P: path, Q: query }));
        assert.equal(decodeURIComponent(parsed.pathname.slice('/p/'.length)), path);
        assert.deepEqual([...parsed.searchParams.keys()], ['q']);
        assert.equal(decodeURIComponent(parsed.search.slice('?q='.length)), query);
        assert.equal(parsed.host, 'h');
      }),
      { numRuns: 300 },
    );
  });
});

describe('HTTP content and header masks', () => {
  it('picks the escaping from the content type', () => {
    assert.equal(contentKindOf('application/json; charset=utf-8'), 'json');
    assert.equal(contentKindOf('application/vnd.api+json'), 'json');
    assert.equal(contentKindOf('application/x-www-form-urlencoded'), 'form');
    assert.equal(contentKindOf('text/xml'), 'xml');
    assert.equal(contentKindOf('application/soap+xml'), 'xml');
    assert.equal(contentKindOf('text/plain'), 'raw');
    assert.equal(contentKindOf(null), 'raw');
  });

  it('escapes for JSON strings, forms and XML; raw content takes values as they are', () => {
    const value = `a"b\\c\n<&>'=+`;
    const json = firstArgument('set-request-content "{"v": "[#V#]", "t": "x\\"[#V#]"}"');
    assert.deepEqual(JSON.parse(renderContent(json, { V: value }, 'json')), { v: value, t: `x"${value}` });
    const form = firstArgument('set-request-content "a=[#V#]&b=2"');
    assert.deepEqual([...new URLSearchParams(renderContent(form, { V: value }, 'form')).entries()], [['a', value], ['b', '2']]);
    const xml = firstArgument('set-request-content "<p v="[#V#]">[#V#]</p>"');
    assert.equal(renderContent(xml, { V: value }, 'xml'), '<p v="a&quot;b\\c\n&lt;&amp;&gt;&apos;=+">a&quot;b\\c\n&lt;&amp;&gt;&apos;=+</p>');
    assert.equal(renderContent(form, { V: value }, 'raw'), `a=${value}&b=2`);
  });

  it('property: any value inside a JSON string parses back exactly', () => {
    const json = firstArgument('set-request-content "{"v": "[#V#]"}"');
    fc.assert(fc.property(textOf(anyCharacter({ nul: true }), 0, 40), (value) => {
      assert.equal(JSON.parse(renderContent(json, { V: value }, 'json')).v, value);
    }), { numRuns: 300 });
  });

  it('refuses a JSON mask outside a string', () => {
    const json = firstArgument('set-request-content "{"v": [#V#]}"');
    assert.throws(() => renderContent(json, { V: '1' }, 'json'), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_TEMPLATE_PARSE');
  });

  it('refuses header values that could end the header, naming the mask only', () => {
    const header = firstArgument('set-request-header "X-A: v=[#V#]"');
    assert.equal(renderHeaderValue(header, { V: 'plain é' }), 'v=plain é');
    for (const bad of ['a\r\nX-B: 1', 'a\nb', 'a\0', 'snow ☃']) {
      assert.throws(() => renderHeaderValue(header, { V: bad }), (error: unknown) => error instanceof OstiaryError && error.details.field === 'masks.V' && !error.message.includes(bad));
    }
  });
});

describe('HTTP expect patterns', () => {
  const pattern = (text: string): Argument => {
    const step = program(`request "http://x/"\nexpect "${text}"`).steps[1];
    assert.ok(step?.kind === 'expect');
    return step.pattern;
  };

  it('matches * as any run of characters, line breaks included, and everything else literally', () => {
    const answer = 'HTTP/1.1 200 OK\n{"status": "changed (1.2)"}';
    assert.equal(wildcardMatches(pattern('*200*changed*'), {}, answer), true);
    assert.equal(wildcardMatches(pattern('changed (1.2)'), {}, answer), true);
    assert.equal(wildcardMatches(pattern('changed (1x2)'), {}, answer), false);
    assert.equal(wildcardMatches(pattern('changed*200'), {}, answer), false);
    assert.equal(wildcardMatches(pattern('[#V#]'), { V: '(1.*)' }, answer), false);
    assert.equal(wildcardMatches(pattern('[#V#]'), { V: '(1.2)' }, answer), true);
  });

  it('decides quickly on a large answer that almost matches', () => {
    const answer = 'a'.repeat(200_000);
    assert.equal(wildcardMatches(pattern('*a*a*a*a*b*'), {}, answer), false);
  });
});
