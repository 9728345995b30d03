import { createApiTokenRepository } from './api-token-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createCredentialRepository } from './credential-repository.js';
import { createDeviceRepository } from './device-repository.js';
import { migrateToLatest } from './migrator.js';
import { createLoginFailureRepository } from './login-failure-repository.js';
import { createOperationQueue } from './operations/operation-queue.js';
import { createOutboxRepository } from './outbox-repository.js';
import { createRotationJournal } from './rotation-journal.js';
import { createRotationProfileRepository } from './rotation-profile-repository.js';
import { createRotationSettingsRepository } from './rotation-settings-repository.js';
import { createSecretRepository } from './secret-repository.js';
import { createSessionRepository } from './session-repository.js';
import { createSinkRepository } from './sink-repository.js';
import { createStoreContext } from './store-context.js';
import type { StoreDialect } from './store-dialect.js';
import type { Store } from './store.js';
import { createTaskManagerStore } from './task-manager/task-manager-repositories.js';
import { createTemplateRepository } from './template-repository.js';
import { createUserRepository } from './user-repository.js';

/** The one Store implementation; everything dialect-specific comes in through `dialect`. */
export function createSqlStore(dialect: StoreDialect, clock: () => number): Store {
  const ctx = createStoreContext(dialect, clock);
  let closing: Promise<void> | null = null;
  return Object.freeze({
    capabilities: dialect.capabilities,
    devices: createDeviceRepository(ctx),
    credentials: createCredentialRepository(ctx),
    secrets: createSecretRepository(ctx),
    templates: createTemplateRepository(ctx),
    operations: createOperationQueue(ctx),
    outbox: createOutboxRepository(ctx),
    users: createUserRepository(ctx),
    sessions: createSessionRepository(ctx),
    apiTokens: createApiTokenRepository(ctx),
    loginFailures: createLoginFailureRepository(ctx),
    audit: createAuditRepository(ctx),
    rotationProfiles: createRotationProfileRepository(ctx),
    rotationSettings: createRotationSettingsRepository(ctx),
    rotations: createRotationJournal(ctx),
    sinks: createSinkRepository(ctx),
    taskManager: createTaskManagerStore(ctx),
    signals: dialect.signals,
    migrate: () => migrateToLatest(dialect.db, dialect.schemaTypes),
    // Idempotent: a second close waits for the first.
    close: () => (closing ??= dialect.close()),
  });
}
