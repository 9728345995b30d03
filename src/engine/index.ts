/** The operation engine: the one entry point other layers import. */
export { Engine } from './engine.js';
export type { EngineOptions, StopOptions } from './engine.js';
export type { EngineSettings, EngineSettingsInput } from './engine-settings.js';
export { resolveEngineSettings } from './engine-settings.js';
export type { EngineLogger } from './engine-logger.js';
export { silentLogger } from './engine-logger.js';
export type { PasswordMaskSource, RotationPasswords } from './password-masks.js';
export { pendingSecretPasswords } from './password-masks.js';
export type { SecretOpener } from './secret-opener.js';
export type { DelegatedAttempt, OperationRunner } from './operation-runner.js';
