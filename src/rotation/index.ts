/**
 * Credential rotation (DESIGN.md §4, docs/rotation.md): policies and profiles, triggers, the
 * crash-safe protocol (intent → apply → verify → commit, probe on failure or crash), parent →
 * children chains and reconcile. The engine hands rotation operations to {@link RotationRunner};
 * {@link RotationService} starts rotations; {@link RotationScheduler} runs the expiry scan.
 */
export { isInWindow, nextWindowStart } from './change-window.js';
export type { LoginProbe } from './login-probe.js';
export type { RotationAttempt, RotationOutcomeCounter, RotationOutcomeLabel, RotationRunnerDeps, SecretSealer } from './rotation-attempt.js';
export { RotationConfiguration, type RegistrationSettings } from './rotation-configuration.js';
export { parseRotationPolicy, periodMs, rotationPolicySchema, type ChangeWindow, type RotationPolicy, type RotationPolicyInput } from './rotation-policy.js';
export { matchProfile, parseRotationProfile, rotationProfileSchema, type RotationProfileInput } from './rotation-profile.js';
export { buildRotationRequest, DEFAULT_ROTATION_OPERATIONS, ROTATION_RETRY_POLICY, type RotationOperationSettings } from './rotation-requests.js';
export { RotationRunner, ROTATION_OPERATION_TYPES } from './rotation-runner.js';
export { RotationScheduler, type RotationSchedulerOptions } from './rotation-scheduler.js';
export { isRotationConflict, REQUESTED_TRIGGERS, RotationService, type BulkRotationResult, type RevealRotation, type RotateOptions, type RotationServiceOptions } from './rotation-service.js';
export { credentialLinksSchema, rotationSettingsSchema, type RotationSettingsInput } from './rotation-settings.js';
export { credentialRotationState, type CredentialRotationState } from './rotation-state.js';
