import { OstiaryError } from '../../domain/index.js';
import { sourceTextOf } from '../../templates/index.js';
import { parseHttpTemplateOrThrow, unfilledHttpMasks, wildcardMatches } from '../../templates/http/index.js';
import type { ExpectStep, HttpProgram, NoExpectStep, RequestStep } from '../../templates/http/index.js';
import type { Redactor } from '../../vault/index.js';
import { FinalExecutorError } from '../executor.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../executor.js';
import { parseExecutorConfig } from '../executor-config.js';
import { redactorInScope } from '../secrets-in-scope.js';
import { classifyHttpError, failureForStatus } from './classify-http-failure.js';
import { httpConfigSchema } from './http-config.js';
import type { HttpConfig } from './http-config.js';
import { HttpRequestDraft } from './http-request-draft.js';
import type { BuiltRequest } from './http-request-draft.js';
import { sendHttpRequest } from './send-http-request.js';
import type { HttpAnswer } from './send-http-request.js';

/** The answer `expect` and `no-expect` look at, and the line of the request that got it. */
interface LastAnswer {
  readonly answer: HttpAnswer;
  readonly line: number;
}

/** What one run needs besides the steps. */
interface Run {
  readonly context: ExecutionContext;
  readonly config: HttpConfig;
  readonly redactor: Redactor;
  readonly draft: HttpRequestDraft;
}

/**
 * Runs an HTTP-dialect template (DESIGN §5): cURL-like requests with masks encoded for the
 * part of the request they stand in, TLS verified unless the device opts out. A 5xx answer
 * or a failed connection is retryable, a 4xx answer final. The transcript shows requests as
 * written (masks by name), status lines and sizes, never headers or bodies.
 */
export class HttpExecutor implements Executor {
  readonly name = 'http';
  readonly configSchema = httpConfigSchema;

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    const config = parseExecutorConfig(httpConfigSchema, context.executorConfig);
    const program = parseHttpTemplateOrThrow(context.template.source);
    assertFilled(program, context.masks);
    const run: Run = { context, config, redactor: redactorInScope(context), draft: new HttpRequestDraft(context.masks) };
    if (config.insecureSkipTlsVerify) context.transcript.write('! TLS certificate verification is OFF for this device (insecureSkipTlsVerify)\n');
    let last: LastAnswer | null = null;
    let requests = 0;
    for (const step of program.steps) {
      if (run.draft.apply(step)) continue;
      if (step.kind === 'request') {
        last = { answer: await request(run, step), line: step.loc.line };
        requests += 1;
      } else if (step.kind === 'expect' || step.kind === 'no-expect') {
        check(run, step, last);
      }
    }
    return { summary: `${requests} request${requests === 1 ? '' : 's'}` };
  }
}

async function request(run: Run, step: RequestStep): Promise<HttpAnswer> {
  const { context, config, redactor } = run;
  const built = withBasicAuth(run, run.draft.build(step.url, step.loc.line));
  const what = `line ${step.loc.line}: ${built.method} request`;
  context.transcript.write(`> ${built.method} ${sourceTextOf(step.url)}\n`);
  let answer: HttpAnswer;
  try {
    answer = await sendHttpRequest({
      ...built, rejectUnauthorized: !config.insecureSkipTlsVerify, ...(config.caCertificate ? { ca: config.caCertificate } : {}),
      connectMs: context.timeouts.connectMs, readMs: context.timeouts.readMs, maxResponseBytes: config.maxResponseBytes, signal: context.signal,
    });
  } catch (error) {
    if (context.signal.aborted) throw new FinalExecutorError('OST_EXEC_CANCELLED', `${what} was stopped`, { cause: context.signal.reason });
    const failure = classifyHttpError(error, what, (text) => redactor.redact(text));
    context.transcript.write(`! ${failure.message}\n`);
    throw failure;
  }
  const cut = answer.truncated ? `, first ${config.maxResponseBytes} kept` : '';
  context.transcript.write(`< ${redactor.redact(answer.statusLine)} (${answer.bytes} bytes${cut})\n`);
  const failure = failureForStatus(answer, what, (text) => redactor.redact(text));
  if (failure) throw failure;
  return answer;
}

/** `basicAuth` sends the login as HTTP Basic credentials unless the template set `Authorization`. */
function withBasicAuth(run: Run, built: BuiltRequest): BuiltRequest {
  const login = run.context.login;
  if (!run.config.basicAuth || !login || login.password === undefined || run.draft.hasHeader('authorization')) return built;
  const token = Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64');
  return { ...built, headers: { ...built.headers, authorization: `Basic ${token}` } };
}

function check(run: Run, step: ExpectStep | NoExpectStep, last: LastAnswer | null): void {
  const pattern = sourceTextOf(step.pattern);
  run.context.transcript.write(`> ${step.kind} ${JSON.stringify(pattern)}\n`);
  if (!last) throw new FinalExecutorError('OST_EXEC_STEP_FAILED', `line ${step.loc.line}: ${step.kind} has no response to check`);
  const found = wildcardMatches(step.pattern, run.context.masks, `${last.answer.statusLine}\n${last.answer.body}`);
  if (found === (step.kind === 'expect')) {
    run.context.transcript.write(`< ${found ? 'matched' : 'absent, as required'}\n`);
    return;
  }
  const verdict = found ? 'found a match' : 'found no match';
  const message = `line ${step.loc.line}: ${step.kind} ${JSON.stringify(pattern)} ${verdict} in the answer to line ${last.line} (${run.redactor.redact(last.answer.statusLine)})`;
  run.context.transcript.write(`! ${message}\n`);
  throw new FinalExecutorError('OST_EXEC_STEP_FAILED', message);
}

/** A mask without a value stops the run before any request is sent. */
function assertFilled(program: HttpProgram, values: Readonly<Record<string, string>>): void {
  const unfilled = unfilledHttpMasks(program, values);
  const first = unfilled[0];
  if (!first) return;
  const where = unfilled.map((mask) => `[#${mask.name}#] on line ${mask.line}`).join(', ');
  throw new OstiaryError('OST_MASK_UNFILLED', `no value for ${where}`, { details: { field: `masks.${first.name}`, masks: [...new Set(unfilled.map((mask) => mask.name))] } });
}
