import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Engine } from '../../src/engine/index.js';
import { SshExecutor } from '../../src/executors/ssh/ssh-executor.js';
import { FAST_SETTINGS, MemoryLogger, waitFor } from '../engine/engine-harness.js';
import { requireSshHosts, startSshHosts, type SshHosts } from '../support/ssh-hosts.js';
import { ApiHarness, json } from './api-harness.js';
import { roleUserIds } from './task-manager-fixtures.js';
import { RESTART_SERVICE_TEMPLATE as TEMPLATE } from '../taskmanager/task-manager-fixtures.js';

/**
 * The reference manual's scenario through the HTTP API, end to end on three real sshd hosts
 * (the service-layer twin is test/taskmanager/manual-scenario.test.ts): an admin registers
 * "Restart backup services" with `rsync` on 3 devices and a registered credential; an
 * operator who cannot read that credential's secret runs it with a reason and justification;
 * an approver approves; 3 operations succeed with their logs; a second task with `mysql` runs
 * too. Every response the operator gets, every log line and audit event is free of the secret.
 */
const SECRET = 'Bkp#Api-Secret-5521-never-shown';

interface RunBody {
  readonly id: string;
  readonly progress: string;
  readonly requesterName: string;
  readonly approval: { readonly state: string; readonly approvers: readonly string[] };
  readonly totals: { readonly total: number; readonly processed: number; readonly errors: number; readonly succeeded: number };
}
interface OperationRow {
  readonly operation: { readonly id: string; readonly requester: string; readonly credentialId: string | null };
  readonly deviceName: string | null;
  readonly statusLabel: string;
}

const skip = await requireSshHosts();

describe('the manual\'s scenario through the API on real sshd hosts', { skip }, () => {
  let lab: SshHosts;
  let api: ApiHarness;
  let engine: Engine;
  const engineLog = new MemoryLogger();
  const operatorSaw: string[] = []; // every body the operator received
  let adminToken: string;
  let operatorToken: string;
  let approverToken: string;
  let selfApproverToken: string;
  let ids: { operator: string; approver: string; selfApprover: string };
  let templateId: string;
  let credentialId: string;
  let reasonId: string;
  let deviceIds: string[];

  /** A request as the operator: the body is kept for the leak check. */
  async function asOperator(method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const response = await api.call(method, url, { token: operatorToken, body });
    operatorSaw.push(`${method} ${url} → ${response.statusCode} ${response.body}`);
    return response;
  }

  async function asAdmin<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> {
    const response = await api.call(method, url, { token: adminToken, body });
    assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
    return json<T>(response);
  }

  before(async () => {
    lab = await startSshHosts({ count: 3, users: [{ name: 'svcbackup', password: SECRET }], namePrefix: 'backup' });
    api = await ApiHarness.start('sqlite');
    // The engine's leases run on real time: the server and store follow the wall clock here.
    Object.defineProperty(api.clock, 'now', { get: () => Date.now(), set: () => undefined });
    engine = new Engine({ ...FAST_SETTINGS, store: api.store, vault: api.vault, executors: [new SshExecutor()], logger: engineLog, concurrency: 3 });
    await engine.start();
    adminToken = await api.tokenFor('admin');
    operatorToken = await api.tokenFor('operator');
    approverToken = await api.tokenFor('approver');
    selfApproverToken = await api.tokenFor('operator', 'approver');
    const [, operatorId, approverId] = await roleUserIds(api); // ROLES order: admin, operator, approver, …
    const me = json<{ user: { id: string } }>(await api.call('GET', '/api/v1/auth/me', { token: selfApproverToken }));
    ids = { operator: operatorId as string, approver: approverId as string, selfApprover: me.user.id };
  });

  after(async () => {
    await engine?.stop({ drainMs: 2_000 });
    await api?.stop();
    await lab?.stop();
  });

  it('the admin registers the devices, the credential, the template, a reason and an access group through the API', async () => {
    deviceIds = [];
    for (const host of lab.hosts) deviceIds.push(String((await asAdmin('POST', '/api/v1/devices', { name: host.name, address: host.address, port: host.port, hostKey: host.hostKey })).id));
    credentialId = String((await asAdmin('POST', '/api/v1/credentials', { deviceId: deviceIds[0], username: 'svcbackup', secret: SECRET })).id);
    templateId = (await asAdmin<{ template: { id: string } }>('POST', '/api/v1/templates', { name: 'Restart service', type: 'task', executor: 'ssh', source: TEMPLATE })).template.id;
    const fields = await asAdmin<{ declarations: { name: string }[]; variables: string[] }>('GET', `/api/v1/templates/${templateId}/task-fields`);
    assert.deepEqual(fields.variables, ['SERVICE']);
    assert.deepEqual(fields.declarations.map((declaration) => declaration.name), ['SERVICE']);
    reasonId = String((await asAdmin('POST', '/api/v1/reasons', { name: 'Scheduled maintenance', type: 'task_execution' })).id);
    const group = await asAdmin<{ rules: { approvalsRequired: number } }>('POST', '/api/v1/access-groups', {
      name: 'Backup operators', users: [ids.operator, ids.selfApprover], approvers: [ids.approver, ids.selfApprover],
      criteria: { environments: ['Production'], systems: ['Backup'] },
      rules: { reasonRequired: true, justificationRequired: true, approvalsRequired: 1 },
    });
    assert.equal(group.rules.approvalsRequired, 1);
  });

  it('a variable with shell metacharacters is refused, naming the field', async () => {
    const response = await api.call('POST', '/api/v1/tasks', { token: adminToken, body: {
      name: 'Evil', environment: 'Production', system: 'Backup', templateId, variables: { service: 'rsync; rm -rf /' },
      credential: { kind: 'credential', credentialId }, deviceIds,
    } });
    assert.equal(response.statusCode, 400);
    assert.equal(json(response).code, 'OST_VALIDATION');
    assert.match(String((json(response).details as { field: string }).field), /^task\.variables\.SERVICE$/i);
  });

  for (const service of ['rsync', 'mysql']) {
    it(`a task restarting ${service} on 3 devices, run by the operator, approved by the approver: 3 operations succeed with their logs`, async () => {
      const task = await asAdmin<{ id: string }>('POST', '/api/v1/tasks', {
        name: service === 'rsync' ? 'Restart backup services' : 'Restart database services',
        environment: 'Production', system: 'Backup', tags: ['backup'], templateId,
        variables: { service }, credential: { kind: 'credential', credentialId }, deviceIds,
      });

      const refused = await asOperator('POST', `/api/v1/tasks/${task.id}/runs`, { reasonId });
      assert.deepEqual([refused.statusCode, json(refused).code, (json(refused).details as { field: string }).field], [400, 'OST_VALIDATION', 'run.justification']);

      const requested = await asOperator('POST', `/api/v1/tasks/${task.id}/runs`, { reasonId, justification: `ticket OPS-42: ${service} hung` });
      assert.equal(requested.statusCode, 201, requested.body);
      const created = json<{ run: RunBody; operations: { status: string; statusLabel: string }[] }>(requested);
      assert.equal(created.run.approval.state, 'waiting_approval');
      assert.deepEqual(created.operations.map((operation) => operation.statusLabel), ['Waiting approval', 'Waiting approval', 'Waiting approval']);

      const inbox = json<{ items: RunBody[] }>(await api.call('GET', '/api/v1/approvals/inbox', { token: approverToken }));
      assert.deepEqual(inbox.items.map((run) => run.id), [created.run.id]);
      const approved = await api.call('POST', `/api/v1/runs/${created.run.id}/approvals`, { token: approverToken, body: { answer: 'approve', justification: 'maintenance window open' } });
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(json<RunBody>(approved).approval.state, 'approved');

      const done = await waitFor<RunBody>('the run to finish', async () => {
        const response = await asOperator('GET', `/api/v1/runs/${created.run.id}`);
        const { run } = json<{ run: RunBody }>(response);
        return run.progress === 'finished' ? run : undefined;
      }, 90_000).catch(async (error: unknown) => {
        const page = await api.store.operations.list({ runId: created.run.id }, { limit: 10 });
        throw new Error(`${String(error)}: ${JSON.stringify(page.items.map((op) => [op.status, op.lastErrorMessage, op.notBefore]))} ${engineLog.lines.slice(-5).join('\n')}`);
      });
      assert.deepEqual(done.totals, { total: 3, processed: 3, errors: 0, succeeded: 3, byStatus: { succeeded: 3 } });
      assert.equal(done.requesterName, 'u-operator');

      const detail = json<{ approvals: { approverName: string; answer: string; justification: string }[] }>(await asOperator('GET', `/api/v1/runs/${created.run.id}`));
      assert.deepEqual(detail.approvals.map((answer) => [answer.approverName, answer.answer, answer.justification]), [['u-approver', 'approve', 'maintenance window open']]);

      const operations = json<{ items: OperationRow[] }>(await asOperator('GET', `/api/v1/runs/${created.run.id}/operations`));
      assert.deepEqual(operations.items.map((row) => row.statusLabel), ['Successfully completed', 'Successfully completed', 'Successfully completed']);
      assert.deepEqual(operations.items.map((row) => row.deviceName).sort(), lab.hosts.map((host) => host.name).sort());
      const report = json<{ items: OperationRow[] }>(await asOperator('GET', `/api/v1/task-reports/operations?taskId=${task.id}&status=succeeded`));
      assert.equal(report.items.length, 3);
      for (const row of operations.items) {
        assert.equal(row.operation.requester, 'u-operator');
        assert.equal(row.operation.credentialId, credentialId);
        const attempts = json<{ items: { outcome: string; transcript: string }[] }>(await asOperator('GET', `/api/v1/task-reports/operations/${row.operation.id}/attempts`));
        assert.equal(attempts.items.length, 1);
        assert.equal(attempts.items[0]?.outcome, 'succeeded');
        assert.match(attempts.items[0]?.transcript ?? '', new RegExp(`service ${service} restart[\\s\\S]*Restarting ${service} \\.\\.\\. done`));
        const transcript = await asOperator('GET', `/api/v1/operations/${row.operation.id}/transcript`);
        assert.equal(transcript.statusCode, 200);
      }
      const runs = await asOperator('GET', `/api/v1/runs?taskId=${task.id}`);
      assert.equal(json<{ items: RunBody[] }>(runs).items.length, 1);
    });
  }

  it('self-approval through the API is refused with OST_FORBIDDEN, reason self_approval', async () => {
    const task = json<{ items: { id: string }[] }>(await api.call('GET', '/api/v1/tasks', { token: adminToken })).items[0];
    const requested = await api.call('POST', `/api/v1/tasks/${task?.id}/runs`, { token: selfApproverToken, body: { reasonId, justification: 'my own change' } });
    assert.equal(requested.statusCode, 201, requested.body);
    const run = json<{ run: RunBody }>(requested).run;
    assert.deepEqual(run.approval.approvers, [ids.approver], 'the requester is never among the approvers');
    const answered = await api.call('POST', `/api/v1/runs/${run.id}/approvals`, { token: selfApproverToken, body: { answer: 'approve', justification: 'looks fine to me' } });
    assert.equal(answered.statusCode, 403);
    assert.equal(json(answered).code, 'OST_FORBIDDEN');
    assert.equal((json(answered).details as { reason: string }).reason, 'self_approval');
    const after = json<{ run: RunBody }>(await api.call('GET', `/api/v1/runs/${run.id}`, { token: selfApproverToken })).run;
    assert.equal(after.approval.state, 'waiting_approval', 'the refused answer changed nothing');
  });

  it('the operator cannot reveal the credential, nor answer approvals', async () => {
    const reveal = await asOperator('POST', `/api/v1/credentials/${credentialId}/reveal`, { reason: 'I would like to see it' });
    assert.deepEqual([reveal.statusCode, json(reveal).code, (json(reveal).details as { permission: string }).permission], [403, 'OST_FORBIDDEN', 'credential:reveal']);
    const credential = await asOperator('GET', `/api/v1/credentials/${credentialId}`);
    assert.equal(credential.statusCode, 200);
    const inbox = await asOperator('GET', '/api/v1/approvals/inbox');
    assert.equal(inbox.statusCode, 403);
  });

  it('the secret never reached the operator, a log line, a transcript or an audit event', async () => {
    assert.ok(operatorSaw.length >= 20, `the operator made ${operatorSaw.length} requests`);
    for (const text of operatorSaw) assert.ok(!text.includes(SECRET), `a response to the operator holds the secret: ${text.slice(0, 200)}`);
    for (const line of [...api.logs, ...engineLog.lines]) assert.ok(!line.includes(SECRET), `a log line holds the secret: ${line}`);
    const audit = await api.store.audit.readAfter(0, 100_000);
    assert.ok(audit.some((event) => event.action === 'task.run'), 'runs are audited');
    assert.ok(audit.some((event) => event.action === 'run.approve'), 'answers are audited');
    assert.ok(!JSON.stringify(audit).includes(SECRET), 'an audit event holds the secret');
    const events = await api.store.outbox.read(0, 100_000);
    assert.ok(!JSON.stringify(events).includes(SECRET), 'an outbox event holds the secret');
  });
});
