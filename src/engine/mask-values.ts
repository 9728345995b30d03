import type { Credential, Device, Operation } from '../domain/index.js';
import type { RotationPasswords } from './password-masks.js';

/** Everything the masks of one attempt are made from, secrets already opened. */
export interface MaskSources {
  readonly operation: Operation;
  readonly device: Device | null;
  /** The credential the operation acts on (`USERNAME`, `ADD_INFO`, `DOMAIN`, custom fields). */
  readonly credential: Credential | null;
  /** The credential used to log in (`AUTH_*`); the same one unless a reconcile uses another. */
  readonly auth: { readonly credential: Credential; readonly password: string | null } | null;
  /** Custom field values by upper-case name, secret ones opened. */
  readonly fields: Readonly<Record<string, string>>;
  /** Only for `password_change` and `reconcile` operations. */
  readonly rotation: RotationPasswords | null;
}

/**
 * Builds the mask values of DESIGN.md §5. Later sources win: task variables, then credential
 * fields, then built-in masks, so neither a requester nor a field can redefine `USERNAME`
 * or `IP`. A value that is `null` is left out, which makes its mask unfilled.
 */
export function buildMasks(sources: MaskSources): Readonly<Record<string, string>> {
  const masks: Record<string, string> = {};
  assign(masks, upperCaseKeys(sources.operation.variables));
  assign(masks, sources.fields);
  assign(masks, deviceMasks(sources.device));
  assign(masks, credentialMasks(sources));
  if ((sources.operation.type === 'password_change' || sources.operation.type === 'reconcile') && sources.rotation) {
    assign(masks, { CURRENT_PASSWORD: sources.rotation.current, NEW_PASSWORD: sources.rotation.next });
  }
  return Object.freeze(masks);
}

function deviceMasks(device: Device | null): Record<string, string | null> {
  if (!device) return {};
  return {
    IP: device.address,
    HOSTNAME: device.name,
    CONNECT_IP: device.address,
    CONNECT_PORT: String(device.port),
  };
}

function credentialMasks({ credential, auth }: MaskSources): Record<string, string | null> {
  return {
    USERNAME: credential?.username ?? null,
    ADD_INFO: credential?.additionalInfo ?? null,
    DOMAIN: credential?.domain ?? null,
    AUTH_USER: auth?.credential.username ?? null,
    AUTH_PASSWORD: auth?.password ?? null,
    AUTH_DOMAIN: auth?.credential.domain ?? null,
  };
}

/** Task variable names are case-insensitive in the task form and upper-case in templates. */
export function upperCaseKeys(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name.toUpperCase(), value]));
}

function assign(target: Record<string, string>, values: Readonly<Record<string, string | null>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== null) target[name] = value;
  }
}
