import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AnsiFilter } from '../../../src/executors/ssh/ansi-filter.js';
import { ExpectBuffer, ExpectTimeoutError } from '../../../src/executors/ssh/expect-buffer.js';
import { globPattern, literalPattern, regexPattern } from '../../../src/executors/ssh/output-patterns.js';
import type { Argument } from '../../../src/templates/ast.js';
import { scanArgument } from '../../../src/templates/mask-segments.js';

/** An argument as the parser makes it, masks included. */
function arg(text: string): Argument {
  return scanArgument(text, { line: 1, column: 1 }).argument;
}

function glob(text: string, masks: Record<string, string> = {}): RegExp {
  return globPattern(arg(text), masks);
}

/** Output of a bash prompt on a PTY, with the escape sequences bash and readline really send. */
const PROMPT_WITH_ESCAPES = '\x1b[?2004h\x1b]0;alice@host-1: ~\x07alice@host-1:~$ ';
const RICH_OUTPUT = `\x1b[1;32mok\x1b[0m done\r\n\x1b(B\x1b[m\x1b7saved\x1b8\x1bP1$r0m\x1b\\${PROMPT_WITH_ESCAPES}`;
const RICH_OUTPUT_CLEAN = 'ok done\r\nsaved' + 'alice@host-1:~$ ';

describe('ANSI filter', () => {
  it('removes CSI, OSC (BEL- and ST-terminated), charset and two-character escapes', () => {
    assert.equal(new AnsiFilter().push(RICH_OUTPUT), RICH_OUTPUT_CLEAN);
  });

  it('gives the same text however the stream is split, one character per chunk included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: RICH_OUTPUT.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set([0, ...cuts, RICH_OUTPUT.length])].sort((a, b) => a - b);
        const filter = new AnsiFilter();
        const out = points.slice(1).map((end, index) => filter.push(RICH_OUTPUT.slice(points[index], end))).join('');
        assert.equal(out, RICH_OUTPUT_CLEAN);
      }),
    );
    const filter = new AnsiFilter();
    assert.equal([...RICH_OUTPUT].map((char) => filter.push(char)).join(''), RICH_OUTPUT_CLEAN);
  });

  it('keeps text, newlines and non-ASCII characters untouched', () => {
    assert.equal(new AnsiFilter().push('Sénha: ✓\r\n\tnext'), 'Sénha: ✓\r\n\tnext');
  });
});

describe('expect patterns', () => {
  it('`*` matches any run of characters, newlines and nothing included', () => {
    assert.ok(glob('a*b').test('a\r\nxyz\nb'));
    assert.ok(glob('a*b').test('ab'));
    assert.ok(glob('*$').test('$'));
    assert.ok(!glob('a*b').test('ba'));
  });

  it('everything but `*` is literal: regex characters, mask values with `*` in them', () => {
    assert.ok(glob('(y/n)? [1.2]').test('continue (y/n)? [1.2]'));
    assert.ok(!glob('a.c').test('abc'));
    const masked = glob('user [#NAME#]:', { NAME: 'a*b' });
    assert.ok(masked.test('user a*b:'));
    assert.ok(!masked.test('user aXXb:'), 'a `*` coming from a mask value is literal');
  });

  it('read is literal, `*` included', () => {
    const pattern = literalPattern(arg('100% *done*'), {});
    assert.ok(pattern.test('-- 100% *done* --'));
    assert.ok(!pattern.test('100% all done'));
  });

  it('expect-regex keeps its flags, drops g/y, and escapes mask values', () => {
    assert.ok(regexPattern(arg('^password:'), 'im', {}).test('Line\nPASSWORD:'));
    assert.ok(regexPattern(arg('a.b'), 's', {}).test('a\nb'));
    assert.ok(!regexPattern(arg('a.b'), '', {}).test('a\nb'));
    const sticky = regexPattern(arg('x'), 'gy', {});
    assert.equal(sticky.flags, '');
    const masked = regexPattern(arg('^[#USER#]\\$'), 'mu', { USER: 'j.doe(admin)' });
    assert.ok(masked.test('j.doe(admin)$'));
    assert.ok(!masked.test('jxdoe(admin)$'));
  });
});

describe('expect buffer', () => {
  it('matches across chunks and escape sequences, and consumes up to the end of the match', async () => {
    const buffer = new ExpectBuffer();
    const waiting = buffer.waitFor(glob('*$'), 1000);
    for (const char of PROMPT_WITH_ESCAPES) buffer.push(char);
    assert.equal(await waiting, 'alice@host-1:~$');
    assert.equal(buffer.take(glob('*$')), null, 'the prompt was consumed: the same expect does not match it again');
    buffer.push('\r\nRestarting rsync ... done\r\nalice@host-1:~$ ');
    assert.equal(buffer.take(glob('Restarting*done')), 'Restarting rsync ... done');
    assert.equal(buffer.take(glob('*$')), '\r\nalice@host-1:~$');
  });

  it('a lazy `*` ends the match at the earliest point, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), (cut) => {
        const text = 'echo $HOME\r\n/home/a\r\nalice:~$ ';
        const buffer = new ExpectBuffer();
        buffer.push(text.slice(0, cut));
        const first = buffer.take(glob('*$')) ?? (buffer.push(text.slice(cut)), buffer.take(glob('*$')));
        assert.equal(first, 'echo $');
      }),
    );
  });

  it('push returns the text without escape sequences, for the transcript', () => {
    const buffer = new ExpectBuffer();
    assert.equal(buffer.push('\x1b[1mbold\x1b'), 'bold');
    assert.equal(buffer.push('[0m after'), ' after');
  });

  it('no-expect sees output since the last send, consumed or not, and nothing before it', () => {
    const buffer = new ExpectBuffer();
    buffer.push('error: old\r\n$ ');
    buffer.markSent();
    assert.ok(!buffer.seenSinceSend(glob('error')), 'output before the send does not count');
    buffer.push('passwd: Authentication token manipulation error\r\n$ ');
    assert.ok(buffer.take(glob('*$')));
    assert.ok(buffer.seenSinceSend(glob('token manipulation error')), 'consumed output still counts');
  });

  it('a wait that sees no match fails with ExpectTimeoutError, and the tail keeps the last characters', async () => {
    const buffer = new ExpectBuffer({ tailChars: 10 });
    buffer.push('0123456789abcdef');
    await assert.rejects(buffer.waitFor(glob('never'), 20), ExpectTimeoutError);
    assert.equal(buffer.tail(), '6789abcdef');
  });

  it('close fails the pending wait and every later wait with the reason given', async () => {
    const buffer = new ExpectBuffer();
    const waiting = buffer.waitFor(glob('never'), 10_000);
    buffer.close(new Error('the target closed the session'));
    await assert.rejects(waiting, /closed the session/);
    await assert.rejects(buffer.waitFor(glob('x'), 10_000), /closed the session/);
  });

  it('output already there matches at once, even after close', async () => {
    const buffer = new ExpectBuffer();
    buffer.push('bye\r\n');
    buffer.close(new Error('closed'));
    assert.equal(await buffer.waitFor(glob('bye'), 10), 'bye');
  });

  it('keeps at most maxChars of unconsumed output, dropping the oldest', () => {
    const buffer = new ExpectBuffer({ maxChars: 8 });
    buffer.push('marker-0123456789');
    assert.equal(buffer.take(glob('marker')), null);
    assert.equal(buffer.take(glob('23*9')), '23456789');
  });
});
