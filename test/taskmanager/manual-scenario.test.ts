import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../../src/engine/index.js';
import { SshExecutor } from '../../src/executors/ssh/ssh-executor.js';
import type { Store } from '../../src/store/store.js';
import { DEFAULT_ACCESS_RULES } from '../../src/taskmanager/access/access-group.js';
import { ReportService } from '../../src/taskmanager/report/report-service.js';
import { RunService, type RunView } from '../../src/taskmanager/run/run-service.js';
import { TaskService } from '../../src/taskmanager/task/task-service.js';
import type { Vault } from '../../src/vault/vault.js';
import { FAST_SETTINGS, MemoryLogger, tempVault, waitFor } from '../engine/engine-harness.js';
import { requireSshHosts, startSshHosts, type SshHosts } from '../support/ssh-hosts.js';
import { freshStore, type FreshStore } from '../support/stores.js';
import { admin, approver1, operator, RESTART_SERVICE_TEMPLATE as TEMPLATE } from './task-manager-fixtures.js';

/**
 * The reference manual's scenario, end to end on three real sshd hosts, through the service
 * layer (the HTTP API's Task Manager routes are tested separately): an admin registers
 * "Restart backup services" with `rsync` on 3 devices and a registered credential, an
 * operator runs it with a reason and justification, an approver approves, 3 operations
 * succeed with their logs; a second task with `mysql` runs too. The secret never reaches
 * anything the operator receives, nor a log, transcript or outbox event.
 */
const SECRET = 'Bkp#Secret-7731-never-shown';

const skip = await requireSshHosts();

describe('the manual\'s scenario on real sshd hosts', { skip }, () => {
  let lab: SshHosts;
  let fresh: FreshStore;
  let store: Store;
  let vault: Vault;
  let cleanupVault: () => Promise<void>;
  let engine: Engine;
  const logger = new MemoryLogger();
  const seen: string[] = []; // everything the operator received
  let templateId: string;
  let credentialId: string;
  let reasonId: string;
  let deviceIds: string[];

  before(async () => {
    lab = await startSshHosts({ count: 3, users: [{ name: 'svcbackup', password: SECRET }], namePrefix: 'backup' });
    fresh = await freshStore('sqlite');
    store = fresh.store;
    ({ vault, cleanup: cleanupVault } = await tempVault());
    engine = new Engine({ ...FAST_SETTINGS, store, vault, executors: [new SshExecutor()], logger, concurrency: 3 });
    await engine.start();
  });

  after(async () => {
    await engine?.stop({ drainMs: 2_000 });
    await fresh?.cleanup();
    await cleanupVault?.();
    await lab?.stop();
  });

  it('the admin registers devices, the credential, the template, a reason and an access group', async () => {
    deviceIds = [];
    for (const host of lab.hosts) deviceIds.push((await store.devices.create({ name: host.name, address: host.address, port: host.port, hostKey: host.hostKey })).id);
    credentialId = (await store.credentials.create({ deviceId: deviceIds[0] as string, username: 'svcbackup', secret: vault.seal(SECRET) })).id;
    templateId = (await store.templates.create({ name: 'Restart service', type: 'task', executor: 'ssh', source: TEMPLATE, author: admin.name })).template.id;
    reasonId = (await store.taskManager.reasons.create({ name: 'Scheduled maintenance', type: 'task_execution', enabled: true })).id;
    await store.taskManager.accessGroups.create({
      name: 'Backup operators', users: [operator.id], approvers: [approver1.id], enabled: true,
      criteria: { environments: ['Production'], systems: ['Backup'], deviceIds: [] },
      rules: { ...DEFAULT_ACCESS_RULES, reasonRequired: true, justificationRequired: true, approvalsRequired: 1 },
    });
  });

  for (const service of ['rsync', 'mysql']) {
    it(`a task restarting ${service} on 3 devices runs after approval; 3 operations succeed with their logs`, async () => {
      const tasks = new TaskService({ store });
      const runs = new RunService({ store });
      const task = await tasks.create({
        name: service === 'rsync' ? 'Restart backup services' : 'Restart database services',
        environment: 'Production', system: 'Backup', tags: ['backup'], templateId,
        variables: { service }, credential: { kind: 'credential', credentialId }, deviceIds,
      }, admin);

      const requested = await runs.run(task.id, operator, { reasonId, justification: `ticket OPS-42: ${service} hung` });
      seen.push(JSON.stringify(requested));
      assert.equal(requested.run.run.approval.state, 'waiting_approval');
      assert.ok(requested.operations.every((operation) => operation.status === 'waiting_approval'));

      const inbox = await runs.inbox(approver1.id);
      assert.deepEqual(inbox.map((view) => view.run.id), [requested.run.run.id]);
      await runs.answer(requested.run.run.id, approver1, { answer: 'approve', justification: 'maintenance window open' });

      const done = await waitFor<RunView>('the run to finish', async () => {
        const view = await runs.get(requested.run.run.id);
        return view.progress === 'finished' ? view : undefined;
      }, 90_000);
      seen.push(JSON.stringify(done));
      assert.deepEqual(done.totals, { total: 3, processed: 3, errors: 0, succeeded: 3, byStatus: { succeeded: 3 } });

      const report = await new ReportService({ store }).operations({ runId: done.run.id });
      seen.push(JSON.stringify(report));
      assert.deepEqual(report.items.map((row) => row.statusLabel), ['Successfully completed', 'Successfully completed', 'Successfully completed']);
      assert.deepEqual(report.items.map((row) => row.deviceName).sort(), lab.hosts.map((host) => host.name).sort());
      for (const row of report.items) {
        const attempts = await new ReportService({ store }).attempts(row.operation.id);
        seen.push(JSON.stringify(attempts));
        assert.equal(attempts.length, 1);
        assert.equal(attempts[0]?.outcome, 'succeeded');
        assert.match(attempts[0]?.transcript ?? '', new RegExp(`service ${service} restart[\\s\\S]*Restarting ${service} \\.\\.\\. done`));
        assert.equal(row.operation.requester, operator.name);
        assert.equal(row.operation.credentialId, credentialId);
      }
    });
  }

  it('the secret never reached the operator, a log line, a transcript or an outbox event', async () => {
    assert.ok(seen.length >= 8);
    for (const text of seen) assert.ok(!text.includes(SECRET), 'a response to the operator holds the secret');
    for (const line of logger.lines) assert.ok(!line.includes(SECRET), `a log line holds the secret: ${line}`);
    const events = await store.outbox.read(0, 100_000);
    assert.ok(events.length > 0);
    assert.ok(!JSON.stringify(events).includes(SECRET), 'an outbox event holds the secret');
    const operations = await store.operations.list({}, { limit: 100 });
    for (const operation of operations.items) {
      for (const attempt of await store.operations.attempts(operation.id)) assert.ok(!attempt.transcript.includes(SECRET) && !(attempt.message ?? '').includes(SECRET));
    }
  });
});
