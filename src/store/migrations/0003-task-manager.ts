import type { Kysely, Migration } from 'kysely';

/**
 * The Task Manager (DESIGN §6): reasons, tasks and their devices, access groups, runs,
 * schedules, approvers and answers, and schedule fires. A fire's primary key (schedule,
 * fire time) is what lets exactly one node run it. Append-only: add the next number.
 */
export function taskManagerMigration(): Migration {
  return {
    async up(db) {
      await createReasons(db);
      await createTasks(db);
      await createAccessGroups(db);
      await createRuns(db);
      await createSchedules(db);
      await createApprovals(db);
      await createScheduleFires(db);
    },
  };
}

type AnyDb = Kysely<unknown>;

async function createReasons(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('reasons')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('reasons_name_unique', ['name'])
    .execute();
}

async function createTasks(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('environment', 'text')
    .addColumn('system', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull().references('templates.id'))
    .addColumn('template_version', 'integer', (c) => c.notNull())
    .addColumn('variables', 'text', (c) => c.notNull())
    .addColumn('credential_kind', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text', (c) => c.references('credentials.id'))
    .addColumn('credential_username', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('tasks_name_unique', ['name'])
    .execute();
  await db.schema
    .createTable('task_devices')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_devices_pk', ['task_id', 'device_id'])
    .execute();
  await db.schema.createIndex('task_devices_device').on('task_devices').columns(['device_id']).execute();
}

async function createAccessGroups(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('access_groups')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('users', 'text', (c) => c.notNull())
    .addColumn('approvers', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('access_groups_name_unique', ['name'])
    .execute();
}

async function createRuns(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('schedule_id', 'text')
    .addColumn('fire_at', 'bigint')
    .addColumn('requester_id', 'text')
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('reason_id', 'text', (c) => c.references('reasons.id'))
    .addColumn('justification', 'text')
    .addColumn('governance_code', 'text')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('template_version', 'integer', (c) => c.notNull())
    .addColumn('approval_state', 'text', (c) => c.notNull())
    .addColumn('approvals_required', 'integer', (c) => c.notNull())
    .addColumn('rejections_to_deny', 'integer', (c) => c.notNull())
    .addColumn('approvers', 'text', (c) => c.notNull())
    .addColumn('approval_expires_at', 'bigint')
    .addColumn('binding_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema.createIndex('runs_task_created').on('runs').columns(['task_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('runs_created').on('runs').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('runs_approval_state').on('runs').columns(['approval_state', 'approval_expires_at']).execute();
}

async function createSchedules(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('grace_ms', 'bigint', (c) => c.notNull())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('reason_id', 'text', (c) => c.references('reasons.id'))
    .addColumn('justification', 'text')
    .addColumn('governance_code', 'text')
    .addColumn('approval_state', 'text', (c) => c.notNull())
    .addColumn('approvals_required', 'integer', (c) => c.notNull())
    .addColumn('rejections_to_deny', 'integer', (c) => c.notNull())
    .addColumn('approvers', 'text', (c) => c.notNull())
    .addColumn('approval_expires_at', 'bigint')
    .addColumn('binding_hash', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('last_fire_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedules_task').on('schedules').columns(['task_id']).execute();
  await db.schema.createIndex('schedules_state').on('schedules').columns(['approval_state']).execute();
}

async function createApprovals(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('approval_approvers')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('approval_approvers_pk', ['subject_type', 'subject_id', 'user_id'])
    .execute();
  await db.schema.createIndex('approval_approvers_user').on('approval_approvers').columns(['user_id', 'subject_type']).execute();
  // One answer per approver: the primary key enforces it whatever the application does.
  await db.schema
    .createTable('approval_answers')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.notNull())
    .addColumn('approver_name', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('approval_answers_pk', ['subject_type', 'subject_id', 'approver_id'])
    .execute();
}

async function createScheduleFires(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('schedule_fires')
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('fire_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_fires_pk', ['schedule_id', 'fire_at'])
    .execute();
}
