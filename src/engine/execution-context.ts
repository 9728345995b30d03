import { OstiaryError } from '../domain/index.js';
import type { Credential, Device, Operation, TemplateVersion } from '../domain/index.js';
import type { ExecutionContext, LoginMaterial, TranscriptWriter } from '../executors/executor.js';
import type { Store } from '../store/store.js';
import { buildMasks, upperCaseKeys } from './mask-values.js';
import type { PasswordMaskSource, RotationPasswords } from './password-masks.js';
import type { SecretOpener } from './secret-opener.js';

/** What one attempt runs with, loaded from the store and opened by the vault. */
export interface ExecutionInputs {
  readonly template: TemplateVersion;
  readonly device: Device | null;
  readonly credential: Credential | null;
  readonly masks: Readonly<Record<string, string>>;
  readonly login: LoginMaterial | null;
  /** The device's settings for the executor (see `ExecutionContext.executorConfig`); `undefined` for defaults. */
  readonly executorConfig: unknown;
  /** Every plaintext secret in scope of the operation: the redactor's list. */
  readonly secrets: readonly string[];
}

export interface ExecutionContextDeps {
  readonly store: Store;
  readonly vault: SecretOpener;
  readonly passwordMasks: PasswordMaskSource;
}

/**
 * Loads the template version, device and credential of an operation and opens their secrets.
 * This is the only place the engine decrypts anything (DESIGN.md §7).
 */
export async function loadExecutionInputs(deps: ExecutionContextDeps, operation: Operation): Promise<ExecutionInputs> {
  const template = await loadTemplate(deps.store, operation);
  const device = operation.deviceId === null ? null : await loadDevice(deps.store, operation.deviceId);
  const credential = operation.credentialId === null ? null : await loadCredential(deps.store, operation.credentialId, 'credentialId');
  const secrets = new SecretCollector(deps);
  const authCredential = await loadAuthCredential(deps.store, operation, credential);
  const auth = authCredential ? await openLogin(secrets, authCredential) : null;
  const fields = credential ? await openFields(secrets, credential) : {};
  const rotation = await rotationPasswords(deps, operation, credential);
  for (const value of [rotation?.current, rotation?.next]) if (value) secrets.add(value);
  const masks = buildMasks({ operation, device, credential, auth: auth && { credential: auth.credential, password: auth.login.password ?? null }, fields, rotation });
  const executorConfig = await loadExecutorConfig(deps.store, operation, credential);
  return { template, device, credential, masks, login: auth?.login ?? null, executorConfig, secrets: secrets.values() };
}

/** Adds what only exists while the attempt runs: the abort signal, the transcript, host key pinning. */
export function createExecutionContext(
  store: Store,
  operation: Operation,
  inputs: ExecutionInputs,
  signal: AbortSignal,
  transcript: TranscriptWriter,
): ExecutionContext {
  const { template, device, credential, masks, login, executorConfig } = inputs;
  return Object.freeze({
    operation, template, device, credential, masks, login, signal, transcript, executorConfig,
    timeouts: operation.timeouts,
    pinHostKey: async (hostKey: string) => {
      if (!device) throw new OstiaryError('OST_VALIDATION', 'operation.deviceId: a host key can only be pinned on a device');
      return store.devices.pinHostKey(device.id, hostKey);
    },
  });
}

/** Opens sealed secrets and remembers every plaintext, so none escapes redaction. */
class SecretCollector {
  readonly #found = new Set<string>();
  constructor(private readonly deps: ExecutionContextDeps) {}

  add(value: string): void {
    if (value.length > 0) this.#found.add(value);
  }

  async open(secretId: string, field: string): Promise<string> {
    const sealed = await this.deps.store.secrets.current(secretId);
    if (!sealed) throw new OstiaryError('OST_NOT_FOUND', `${field}: the secret has no current value`, { details: { field } });
    const value = this.deps.vault.open(sealed);
    this.add(value);
    return value;
  }

  values(): readonly string[] {
    return [...this.#found];
  }
}

async function openLogin(secrets: SecretCollector, credential: Credential): Promise<{ credential: Credential; login: LoginMaterial }> {
  const secret = await secrets.open(credential.secretId, 'credential.secret');
  const passphrase = credential.passphraseSecretId ? await secrets.open(credential.passphraseSecretId, 'credential.passphrase') : undefined;
  const login: LoginMaterial = credential.kind === 'password'
    ? { username: credential.username, password: secret }
    : { username: credential.username, privateKey: secret, ...(passphrase === undefined ? {} : { passphrase }) };
  return { credential, login: Object.freeze(login) };
}

async function openFields(secrets: SecretCollector, credential: Credential): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const field of credential.fields) {
    if (field.secretId !== null) values[field.name] = await secrets.open(field.secretId, `credential.fields.${field.name}`);
    else if (field.value !== null) values[field.name] = field.value;
  }
  return upperCaseKeys(values);
}

/**
 * The credential that logs in. A reconcile operation logs in with the credential's
 * reconciliation credential when it has one (DESIGN.md §4); everything else with the
 * credential itself.
 */
async function loadAuthCredential(store: Store, operation: Operation, credential: Credential | null): Promise<Credential | null> {
  if (!credential) return null;
  if (operation.type !== 'reconcile' || credential.reconcileCredentialId === null) return credential;
  return loadCredential(store, credential.reconcileCredentialId, 'credential.reconcileCredentialId');
}

/**
 * A device's settings for an executor (database name, TLS mode, …) are kept with the
 * credential's rotation settings; they apply when they were written for this executor.
 */
async function loadExecutorConfig(store: Store, operation: Operation, credential: Credential | null): Promise<unknown> {
  if (!credential) return undefined;
  const settings = await store.rotationSettings.get(credential.id);
  return settings && settings.executor === operation.executor && settings.executorConfig !== null ? settings.executorConfig : undefined;
}

async function rotationPasswords(deps: ExecutionContextDeps, operation: Operation, credential: Credential | null): Promise<RotationPasswords | null> {
  // A reconcile sets a new password too (through the reconciliation credential): it needs NEW_PASSWORD.
  if ((operation.type !== 'password_change' && operation.type !== 'reconcile') || !credential) return null;
  return deps.passwordMasks.passwords(operation, credential);
}

async function loadTemplate(store: Store, operation: Operation): Promise<TemplateVersion> {
  const version = await store.templates.getVersion(operation.templateId, operation.templateVersion);
  if (version) return version;
  throw notFound('operation.templateVersion', `template ${operation.templateId} has no version ${operation.templateVersion}`);
}

async function loadDevice(store: Store, id: string): Promise<Device> {
  const device = await store.devices.get(id);
  if (device) return device;
  throw notFound('operation.deviceId', `no device ${id}`);
}

async function loadCredential(store: Store, id: string, field: string): Promise<Credential> {
  const credential = await store.credentials.get(id);
  if (credential) return credential;
  throw notFound(field, `no credential ${id}`);
}

function notFound(field: string, what: string): OstiaryError {
  return new OstiaryError('OST_NOT_FOUND', `${field}: ${what}`, { details: { field } });
}
