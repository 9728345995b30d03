import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TEMPLATE_TYPES } from '../../src/domain/index.js';
import type { TemplateType } from '../../src/domain/index.js';
import { lintTemplate, maskNamesOf, parseSshTemplate, parseTemplate, programArguments, renderArgument, sourceTextOf, TEMPLATE_DIALECTS } from '../../src/templates/index.js';
import type { Diagnostic, SourceLocation, TemplateProgram } from '../../src/templates/index.js';

const EXAMPLES = [
  '# Restart a service\nset-read-timeout 15\nexpect "*$"\nexec "sudo service [#SERVICE#] restart"\nexpect "*$"\nend\n',
  'expect "*$"\nexec "passwd"\nexpect "*urrent*assword:"\nexec "[#CURRENT_PASSWORD#]"\nexpect "*ew*assword:"\nexec "[#NEW_PASSWORD#]"\nexpect "*etype*ew*assword:"\nexec "[#NEW_PASSWORD#]"\nexpect "*updated successfully*"\nend\n',
  '#@var SERVICE "^[a-z0-9_.-]+$" "Service to restart"\nset-new-line-mode windows\nexpect-regex "/\\$ $/m"\nno-expect "*denied*"\nsleep "2"\nwrite "[#SERVICE#]"\nend',
  "#@var NAME \"[a-z]+\"\nALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]';\nSELECT 'it''s [#NAME#]', $$x$$ FROM \"t_[#NAME#]\" -- note\nINSERT INTO t (a,\n  b) VALUES (1, /* c */ 2)\n",
  'set-request-method POST\nset-content-type application/json\nset-request-header "Authorization: Bearer [#TOKEN#]"\nset-request-content "{"new": "[#NEW_PASSWORD#]"}"\nrequest "https://[#IP#]:[#CONNECT_PORT#]/api/[#USERNAME#]?q=1"\nexpect "HTTP/1.1 200*"\n',
];

/** Characters that stress the lexer: quotes, mask brackets, escapes, line breaks, unicode. */
const NASTY = ['"', '"', '[#', '#]', '[', ']', '#', '#@var ', '\\', '\\"', '\n', '\r', '\r\n', ' ', '\t', '/', '*', '$(', '`', 'é', '😀', '\u2028', '\uFEFF', '\u0000', '[#A#]', '[#new_password#]', 'exec ', 'end', '0', '9999999', "'", '$$', '--', '/*', '*/', '(', ';', 'request "http://'];

type Mutation = (source: string) => string;

const position = (source: string, at: number): number => at % (source.length + 1);
const insert = (at: number, text: string): Mutation => (source) => source.slice(0, position(source, at)) + text + source.slice(position(source, at));
const remove = (at: number, length: number): Mutation => (source) => source.slice(0, position(source, at)) + source.slice(position(source, at) + length);

// Long lines are rarer than small edits: they cost the most and need few runs to show a problem.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...NASTY)).map(([at, text]) => insert(at, text)) },
  { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 8 })).map(([at, text]) => insert(at, text)) },
  { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 })).map(([at, length]) => remove(at, length)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat(), fc.constantFrom('a', '"', '[#', '#]', '[#A#]', ' ', '\\'), fc.integer({ min: 1000, max: 20_000 }))
      .map(([at, unit, times]) => insert(at, unit.repeat(times))),
  },
);

const mutatedExample = fc.tuple(fc.constantFrom(...EXAMPLES), fc.array(mutation, { maxLength: 8 })).map(([source, mutations]) => mutations.reduce((text, apply) => apply(text), source));
const randomSource = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.constantFrom(...NASTY), { maxLength: 60 }).map((parts) => parts.join('')),
);
const anyType = fc.option(fc.constantFrom<TemplateType>(...TEMPLATE_TYPES), { nil: undefined });

/** A location must point into the source: an existing line, a column at most one past its end. */
function assertLocated(loc: SourceLocation, lines: readonly string[], what: string): void {
  assert.ok(Number.isInteger(loc.line) && loc.line >= 1 && loc.line <= lines.length, `${what}: line ${loc.line} of ${lines.length}`);
  const length = lines[loc.line - 1]?.length ?? 0;
  assert.ok(Number.isInteger(loc.column) && loc.column >= 1 && loc.column <= length + 1, `${what}: column ${loc.column} of ${length}`);
}

function assertDiagnostics(diagnostics: readonly Diagnostic[], lines: readonly string[]): void {
  for (const entry of diagnostics) {
    assert.ok(entry.severity === 'error' || entry.severity === 'warning');
    assert.match(entry.rule, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(entry.message.length > 0 && entry.message.length < 400, 'a message is short whatever the input');
    assertLocated(entry.loc, lines, entry.rule);
  }
}

/** Parses and lints in every dialect, checking every diagnostic, node and argument is located and renders. */
function checkSource(source: string, type: TemplateType | undefined): void {
  const lines = source.split(/\r\n|\r|\n/);
  for (const dialect of TEMPLATE_DIALECTS) {
    const result = parseTemplate(dialect, source);
    assertDiagnostics(result.diagnostics, lines);
    assert.equal(result.ok, !result.diagnostics.some((entry) => entry.severity === 'error'));
    assertDiagnostics(lintTemplate(source, { dialect, type }), lines);
    if (!result.ok) continue;
    for (const node of nodesOf(result.value)) assertLocated(node.loc, lines, node.kind);
    const values = Object.fromEntries(maskNamesOf(result.value).map((name) => [name, 'v']));
    for (const argument of programArguments(result.value)) {
      assertLocated(argument.loc, lines, 'argument');
      assert.equal(typeof renderArgument(argument, values), 'string');
    }
  }
}

/** The located top-level nodes of a program: steps, shell lines or statements. */
function nodesOf(program: TemplateProgram): readonly { readonly kind: string; readonly loc: SourceLocation }[] {
  switch (program.kind) {
    case 'ssh-program':
    case 'http-program':
      return program.steps;
    case 'local-program':
      return program.lines;
    case 'sql-program':
      return program.statements;
  }
}

describe('template parsing never throws and always locates what it reports', () => {
  it('on mutations of the example templates (quotes, brackets, unicode, very long lines)', () => {
    fc.assert(fc.property(mutatedExample, anyType, checkSource), { numRuns: 300 });
  });

  it('on random sources', () => {
    fc.assert(fc.property(randomSource, anyType, checkSource), { numRuns: 300 });
  });

  it('exec "<text>" sends exactly <text>, whatever quotes and brackets it holds', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...NASTY.filter((part) => !/[\r\n]/.test(part))), fc.string({ maxLength: 4 }).filter((part) => !/[\r\n]/.test(part))), { maxLength: 20 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (sent) => {
        const result = parseSshTemplate(`exec "${sent}"`);
        const step = result.ok ? result.value.steps[0] : undefined;
        assert.ok(step?.kind === 'exec', JSON.stringify(result.diagnostics));
        const expected = sent.replace(/\[#([A-Za-z_][A-Za-z0-9_]{0,63})#\]/g, (_mask, name: string) => `[#${name.toUpperCase()}#]`);
        assert.equal(sourceTextOf(step.text), expected);
      }),
      { numRuns: 500 },
    );
  });
});
