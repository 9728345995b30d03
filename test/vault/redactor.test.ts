import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRedactor, REDACTION_MARKER, type Redactor } from '../../src/vault/index.js';
import { secretVariants } from '../../src/vault/redaction-variants.js';

const R = REDACTION_MARKER;

/** An independent, obviously correct reference: mark every occurrence, one marker per covered run. */
function referenceRedact(text: string, secrets: readonly string[]): string {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const pattern of secrets.flatMap((secret) => secretVariants(secret))) {
    for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) covered.fill(true, at, at + pattern.length);
  }
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += R;
  }
  return out;
}

function streamed(redactor: Redactor, chunks: readonly string[]): string {
  const stream = redactor.stream();
  return chunks.map((chunk) => stream.push(chunk)).join('') + stream.flush();
}

function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

describe('redactor', () => {
  it('replaces every occurrence of every secret', () => {
    const redactor = createRedactor(['hunter2', 'Tr0ub4dor&3']);
    assert.equal(redactor.redact('pw=hunter2; again hunter2, other Tr0ub4dor&3.'), `pw=${R}; again ${R}, other ${R}.`);
  });

  it('merges overlapping and touching occurrences so no fragment survives', () => {
    const redactor = createRedactor(['abc', 'bcdef', 'xyz']);
    assert.equal(redactor.redact('1abcdef2'), `1${R}2`, 'overlap: longest-first alone would leave "def"');
    assert.equal(redactor.redact('1abcxyz2'), `1${R}2`);
    assert.equal(createRedactor(['aa']).redact('baaab'), `b${R}b`);
  });

  it('ignores empty secrets and passes text through when there are none', () => {
    assert.equal(createRedactor([]).redact('nothing to hide'), 'nothing to hide');
    assert.equal(createRedactor(['', '']).redact('nothing to hide'), 'nothing to hide');
    assert.equal(streamed(createRedactor(['']), ['a', 'b', '']), 'ab');
  });

  it('redacts the JSON-escaped, URL-encoded and SQL-quoted forms', () => {
    const secret = `p"a\\ss wörd'&/=?`;
    const redactor = createRedactor([secret]);
    const forms = [
      JSON.stringify({ password: secret }),
      JSON.stringify(secret).replace(/ö/g, '\\u00f6'),
      `https://h/?p=${encodeURIComponent(secret)}&x=1`,
      `p=${encodeURIComponent(secret).replace(/%20/g, '+')}`,
      `ALTER USER x PASSWORD '${secret.replaceAll("'", "''")}'`,
    ];
    for (const text of forms) {
      const out = redactor.redact(text);
      assert.ok(out.includes(R), `${text} → ${out}`);
      for (const variant of secretVariants(secret)) assert.ok(!out.includes(variant), `${out} still holds a form of the secret`);
      assert.ok(!out.includes('wörd') && !out.includes('w\\u00f6rd') && !out.includes('w%C3%B6rd'), out);
    }
  });

  it('redacts base64 of the value, alone and inside HTTP Basic credentials at any offset', () => {
    const secret = 'S3cure-Passw0rd!';
    const redactor = createRedactor([secret]);
    assert.equal(redactor.redact(`token ${Buffer.from(secret).toString('base64')} end`), `token ${R} end`);
    assert.equal(redactor.redact(`t=${Buffer.from(secret).toString('base64url')};`), `t=${R};`);
    for (const user of ['a', 'ab', 'abc', 'admin']) {
      const header = `Authorization: Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
      const out = redactor.redact(header);
      assert.ok(out.includes(R), out);
      const left = out.slice('Authorization: Basic '.length).replace(R, '');
      assert.ok(left.length <= 8, `only edge characters remain: ${out}`);
      assert.ok(!Buffer.from(left, 'base64').toString('latin1').includes('Passw'), out);
    }
  });

  it('redacts a multi-line secret echoed through a terminal (CRLF) and any long line of it', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBvJ1uQ9xq\n-----END OPENSSH PRIVATE KEY-----\n';
    const redactor = createRedactor([key]);
    assert.equal(redactor.redact(`cat id\r\n${key.replace(/\n/g, '\r\n')}$ `), `cat id\r\n${R}$ `);
    const oneLine = 'echo b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';
    assert.equal(redactor.redact(oneLine), `echo ${R}`);
    assert.equal(redactor.redact('-----BEGIN OPENSSH PRIVATE KEY-----'), '-----BEGIN OPENSSH PRIVATE KEY-----', 'armour lines are not secret');
  });

  it('catches a secret split one character per chunk', () => {
    const secret = 'correct horse battery staple';
    const text = `login ok\npassword: ${secret}\nbye ${secret}`;
    const redactor = createRedactor([secret]);
    assert.equal(streamed(redactor, [...text]), `login ok\npassword: ${R}\nbye ${R}`);
  });

  it('holds back only the tail that could still start a secret', () => {
    const stream = createRedactor(['password123']).stream();
    assert.equal(stream.push('my pass'), 'my ');
    assert.equal(stream.push('word'), '');
    assert.equal(stream.push('999 and passwo'), 'password999 and ');
    assert.equal(stream.push('rd123!'), `${R}!`);
    assert.equal(stream.push(' pa'), ' ');
    assert.equal(stream.flush(), 'pa', 'flush gives back the held tail');
    assert.equal(stream.push('password123'), R, 'after flush the stream starts afresh');
    assert.equal(stream.flush(), '');
  });

  it('stream output equals redact(whole text) and the reference, for any chunking (property)', () => {
    const alphabet = fc.constantFrom(...'abcab01 \n');
    const secretArb = fc.string({ unit: alphabet, minLength: 1, maxLength: 9 });
    const scenario = fc.record({
      secrets: fc.array(secretArb, { minLength: 1, maxLength: 4 }),
      fillers: fc.array(fc.string({ unit: alphabet, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
      picks: fc.array(fc.nat(), { maxLength: 8 }),
      cuts: fc.array(fc.nat(), { maxLength: 30 }),
    });
    fc.assert(
      fc.property(scenario, ({ secrets, fillers, picks, cuts }) => {
        const text = fillers.map((filler, i) => filler + (secrets[(picks[i] ?? i) % secrets.length] as string)).join('');
        const redactor = createRedactor(secrets);
        const whole = redactor.redact(text);
        assert.equal(whole, referenceRedact(text, secrets));
        assert.equal(streamed(redactor, splitAt(text, cuts)), whole);
        assert.equal(streamed(redactor, [...text]), whole);
        for (const secret of secrets) assert.ok(!whole.includes(secret), `"${whole}" holds "${secret}"`);
      }),
      { numRuns: 1500 },
    );
  });

  it('covers the encoded forms across chunk boundaries too (property)', () => {
    const secretArb = fc.string({ unit: fc.constantFrom(...'aZ9 "\\/+é%&'), minLength: 6, maxLength: 14 });
    fc.assert(
      fc.property(secretArb, fc.array(fc.nat(), { maxLength: 20 }), (secret, cuts) => {
        const text = `{"p":${JSON.stringify(secret)}} u=${encodeURIComponent(secret)} b=${Buffer.from(`u:${secret}`).toString('base64')}`;
        const redactor = createRedactor([secret]);
        const whole = redactor.redact(text);
        assert.equal(whole, referenceRedact(text, [secret]));
        assert.equal(streamed(redactor, splitAt(text, cuts)), whole);
        assert.equal((whole.match(/\[REDACTED\]/g) ?? []).length, 3, whole);
      }),
      { numRuns: 500 },
    );
  });

  it('changes nothing in text that holds no secret (property)', () => {
    const unit = fc.constantFrom(...'abcdefgh0123 \n:=[]');
    fc.assert(
      fc.property(fc.array(fc.string({ unit, minLength: 3, maxLength: 10 }), { minLength: 1, maxLength: 5 }), fc.string({ unit, maxLength: 200 }), (secrets, text) => {
        fc.pre(referenceRedact(text, secrets) === text);
        const redactor = createRedactor(secrets);
        assert.equal(redactor.redact(text), text);
        assert.equal(streamed(redactor, [...text]), text);
      }),
      { numRuns: 1000 },
    );
    const transcript = 'Last login: Mon\r\n$ sudo systemctl restart backup\r\n[sudo] password for svc: \r\n$ echo done\r\ndone\r\n';
    assert.equal(createRedactor(['hunter22', 'S3cure-Passw0rd!', '-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQ\n']).redact(transcript), transcript);
  });

  it('handles a long transcript with many secrets in one pass and in small chunks alike', () => {
    const secrets = Array.from({ length: 50 }, (_, i) => `secret-${i}-${'x'.repeat(i % 7)}-Zz`);
    const lines = Array.from({ length: 20_000 }, (_, i) => (i % 97 === 0 ? `line ${i} uses ${secrets[i % 50]}` : `line ${i} is ordinary output`));
    const text = lines.join('\n');
    const redactor = createRedactor(secrets);
    const whole = redactor.redact(text);
    assert.equal(whole, referenceRedact(text, secrets));
    const chunks = splitAt(text, Array.from({ length: 3000 }, (_, i) => (i * 7919) % text.length));
    assert.equal(streamed(redactor, chunks), whole);
    for (const secret of secrets) assert.ok(!whole.includes(secret));
  });
});
