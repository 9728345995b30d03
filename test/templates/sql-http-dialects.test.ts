import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import type { TemplateType } from '../../src/domain/index.js';
import {
  assertMasksFilled,
  assertTemplateSavable,
  findUnfilledMasks,
  isTemplateDialect,
  lintTemplate,
  maskNamesOf,
  parseTemplate,
  parseTemplateOrThrow,
  TEMPLATE_DIALECTS,
} from '../../src/templates/index.js';
import type { TemplateDialect } from '../../src/templates/index.js';

/** `rule severity line:column` for each finding, in source order. */
function findings(source: string, dialect: TemplateDialect, type?: TemplateType): string[] {
  return lintTemplate(source, { dialect, type }).map((entry) => `${entry.rule} ${entry.severity} ${entry.loc.line}:${entry.loc.column}`);
}

const PG_ROTATE = "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'";
const MYSQL_ROTATE = "SET PASSWORD FOR [#USERNAME#]@'%' = PASSWORD('[#NEW_PASSWORD#]')";
const HTTP_ROTATE = [
  'set-request-method POST',
  'set-content-type application/json',
  'set-request-header "Authorization: Bearer [#API_TOKEN#]"',
  'set-request-content "{"old": "[#CURRENT_PASSWORD#]", "new": "[#NEW_PASSWORD#]"}"',
  'request "https://[#IP#]/api/users/[#USERNAME#]/password"',
  'expect "HTTP/1.1 200*"',
];

describe('the postgres, mysql and http dialects', () => {
  it('are template dialects, named after their executors', () => {
    for (const dialect of ['postgres', 'mysql', 'http']) {
      assert.ok(isTemplateDialect(dialect), dialect);
      assert.ok((TEMPLATE_DIALECTS as readonly string[]).includes(dialect));
    }
    assert.equal(isTemplateDialect('telnet'), false);
  });
});

describe('parseTemplate dispatches to the dialect parser', () => {
  it('reads "…" as an identifier on postgres and as a string on mysql', () => {
    const postgres = parseTemplateOrThrow('postgres', 'SELECT "[#NAME#]"');
    const mysql = parseTemplateOrThrow('mysql', 'SELECT "[#NAME#]"');
    assert.equal(postgres.dialect, 'postgres');
    assert.equal(mysql.dialect, 'mysql');
    assert.deepEqual(postgres.statements[0]?.pieces.map((piece) => piece.kind), ['sql-verbatim', 'sql-identifier']);
    assert.deepEqual(mysql.statements[0]?.pieces.map((piece) => piece.kind), ['sql-verbatim', 'sql-literal']);
  });

  it('reads an http template into its steps', () => {
    const result = parseTemplate('http', HTTP_ROTATE.join('\n'));
    assert.ok(result.ok);
    assert.deepEqual(result.value.steps.map((step) => step.kind), ['set-request-method', 'set-content-type', 'set-request-header', 'set-request-content', 'request', 'expect']);
  });

  it('parseTemplateOrThrow names the dialect and the first error', () => {
    const cases: [TemplateDialect, string, RegExp][] = [
      ['postgres', "SELECT 'x", /^postgres template: line 1, column 8: this string literal is never closed$/],
      ['mysql', 'ALTER USER x IDENTIFIED BY [#NEW_PASSWORD#]', /^mysql template: line 1, column 28: \[#NEW_PASSWORD#\] is a secret/],
      ['http', 'expect "x"\nrequest "ftp://h/"', /^http template: line 1, column 1: expect checks the response to a request/],
    ];
    for (const [dialect, source, message] of cases) {
      assert.throws(() => parseTemplateOrThrow(dialect, source), (error) => {
        assert.ok(isOstiaryError(error));
        assert.equal(error.code, 'OST_TEMPLATE_PARSE');
        assert.match(error.message, message);
        assert.equal(error.details.field, 'template.source');
        return true;
      }, dialect);
    }
  });
});

describe('lint: postgres and mysql', () => {
  it('finds nothing in the rotation examples, and asks no final check of a SQL password change', () => {
    assert.deepEqual(findings(PG_ROTATE, 'postgres', 'password_change'), []);
    assert.deepEqual(findings(MYSQL_ROTATE, 'mysql', 'password_change'), []);
  });

  it('a secret in a string literal is not a shell leak', () => {
    assert.deepEqual(findings("SELECT '[#AUTH_PASSWORD#]'", 'postgres', 'task'), []);
  });

  it('reports the parser errors and the mask rules, each where it stands', () => {
    assert.deepEqual(findings('#@var TIKCET "x"\nSELECT \'[#TICKET#]\', [#NEW_PASSWORD#]', 'postgres', 'task'), [
      'unused-declaration warning 1:1',
      'unknown-mask warning 2:9',
      'secret-mask-as-identifier error 2:22',
      'password-mask-in-task warning 2:22',
    ]);
    assert.deepEqual(findings('#@var TICKET "[A-Z]+-[0-9]+"\nSELECT \'[#TICKET#]\'', 'postgres', 'task'), []);
  });

  it('reads each source as its server does', () => {
    assert.deepEqual(findings("SELECT 1 # [#X#]\nSELECT 'x", 'mysql'), ['mask-in-comment warning 1:12', 'unterminated-string error 2:8']);
    assert.deepEqual(findings('SELECT 1 # [#X#]', 'postgres'), ['unknown-mask warning 1:12']);
  });

  it('warns when a password change never sets the new password', () => {
    assert.deepEqual(findings('SELECT 1', 'postgres', 'password_change'), ['new-password-unused warning 1:1']);
  });
});

describe('lint: http', () => {
  const unchecked = HTTP_ROTATE.slice(0, -1);

  it('a checked password change only warns about the token, which must come from a field', () => {
    assert.deepEqual(findings(HTTP_ROTATE.join('\n'), 'http', 'password_change'), ['unknown-mask warning 3:43']);
    assert.deepEqual(findings([...HTTP_ROTATE, 'request "https://[#IP#]/logout"'].join('\n'), 'http', 'password_change'), ['unknown-mask warning 3:43']);
  });

  it('warns when nothing checks the answer to the request that sends the secret', () => {
    assert.deepEqual(findings(unchecked.join('\n'), 'http', 'password_change'), ['unknown-mask warning 3:43', 'missing-final-check warning 5:1']);
    // A check after a later request (a logout) does not check the change.
    const checkedTooLate = [...unchecked, 'request "https://[#IP#]/logout"', 'expect "*"'];
    assert.deepEqual(findings(checkedTooLate.join('\n'), 'http', 'password_change'), ['unknown-mask warning 3:43', 'missing-final-check warning 5:1']);
    assert.deepEqual(findings(unchecked.join('\n'), 'http', 'task'), ['unknown-mask warning 3:43', 'password-mask-in-task warning 4:31', 'password-mask-in-task warning 4:62']);
  });

  it('reports the parser findings: a secret in a URL, an unknown command', () => {
    assert.deepEqual(findings('request "https://h/?p=[#NEW_PASSWORD#]"\nexpct "x"', 'http', 'password_change'), [
      'missing-final-check warning 1:1',
      'secret-in-url warning 1:23',
      'unknown-command error 2:1',
    ]);
  });
});

describe('saving and running need every dialect', () => {
  it('assertTemplateSavable returns the warnings, or throws OST_TEMPLATE_LINT', () => {
    assert.deepEqual(assertTemplateSavable("SELECT '[#TICKET#]'", 'mysql', 'task').map((entry) => entry.rule), ['unknown-mask']);
    assert.throws(() => assertTemplateSavable('GRANT x TO [#AUTH_PASSWORD#]', 'postgres', 'task'), (error) => {
      assert.ok(isOstiaryError(error));
      assert.equal(error.code, 'OST_TEMPLATE_LINT');
      assert.match(error.message, /^template\.source: line 1, column 12: .* \[secret-mask-as-identifier\]$/);
      return true;
    });
  });

  it('findUnfilledMasks and maskNamesOf see masks in SQL literals and identifiers and in HTTP arguments', () => {
    const sql = parseTemplateOrThrow('postgres', "SELECT 1\nGRANT x TO [#USERNAME#]; SELECT 'a[#NOTE#]b'");
    assert.deepEqual(maskNamesOf(sql), ['USERNAME', 'NOTE']);
    assert.deepEqual(findUnfilledMasks(sql, { USERNAME: 'u' }), [{ name: 'NOTE', loc: { line: 2, column: 35 } }]);
    const http = parseTemplateOrThrow('http', HTTP_ROTATE.join('\n'));
    assert.deepEqual(findUnfilledMasks(http, { IP: 'h', USERNAME: 'u', CURRENT_PASSWORD: 'c', NEW_PASSWORD: 'n' }), [{ name: 'API_TOKEN', loc: { line: 3, column: 43 } }]);
  });

  it('assertMasksFilled names the masks, never the values', () => {
    const program = parseTemplateOrThrow('mysql', "ALTER USER [#USERNAME#] IDENTIFIED BY '[#NEW_PASSWORD#]'");
    assert.throws(() => assertMasksFilled(program, { NEW_PASSWORD: 'Hunter2-secret' }), (error) => {
      assert.ok(isOstiaryError(error));
      assert.equal(error.code, 'OST_MASK_UNFILLED');
      assert.equal(error.message, 'no value for [#USERNAME#] on line 1');
      assert.ok(!JSON.stringify({ message: error.message, details: error.details }).includes('Hunter2-secret'));
      return true;
    });
  });
});
