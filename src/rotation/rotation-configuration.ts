import { OstiaryError } from '../domain/index.js';
import type { Credential, CredentialKind } from '../domain/index.js';
import type { CredentialRotationInput, CredentialRotationRecord, RotationProfileRecord } from '../store/rotation-store.js';
import type { CredentialLinks, Store } from '../store/store.js';
import { matchProfile, parseRotationProfile } from './rotation-profile.js';
import { resolveSettings } from './rotation-settings.js';

/** What a credential being registered gets: settings to store (or none), and where they came from. */
export interface RegistrationSettings {
  readonly settings: CredentialRotationInput | null;
  /** `explicit`: the request gave them; `profile`: the best-matching profile; `none`: neither. */
  readonly source: 'explicit' | 'profile' | 'none';
}

/**
 * Rotation policies and profiles (DESIGN.md §4): a credential's policy is set on the
 * credential itself, or taken from the profile whose criteria (device type, vendor, model,
 * credential kind) match it best when it is registered. Input is validated here, at the door.
 */
export class RotationConfiguration {
  constructor(private readonly store: Store) {}

  /** `field` prefixes the names of bad fields in errors (`''` for an API body). */
  createProfile(input: unknown, field = 'profile'): Promise<RotationProfileRecord> {
    return this.store.rotationProfiles.create(parseRotationProfile(input, field));
  }

  updateProfile(id: string, input: unknown, field = 'profile'): Promise<RotationProfileRecord> {
    return this.store.rotationProfiles.update(id, parseRotationProfile(input, field));
  }

  getProfile(id: string): Promise<RotationProfileRecord | null> {
    return this.store.rotationProfiles.get(id);
  }

  deleteProfile(id: string): Promise<void> {
    return this.store.rotationProfiles.delete(id);
  }

  listProfiles(): Promise<readonly RotationProfileRecord[]> {
    return this.store.rotationProfiles.list();
  }

  /** Validates rotation settings for the credential without storing them (what {@link configure} would store). */
  resolve(credential: Credential, input: unknown, field = 'rotation'): Promise<CredentialRotationInput> {
    return resolveSettings(this.store, credential, input, field);
  }

  /** Sets the credential's rotation settings (policy, templates, or a profile to take them from). */
  async configure(credentialId: string, input: unknown, field = 'rotation'): Promise<CredentialRotationRecord> {
    const credential = await this.#credential(credentialId);
    return this.store.rotationSettings.put(credential.id, await resolveSettings(this.store, credential, input, field));
  }

  /**
   * At registration: applies the best-matching profile when the credential has no settings
   * yet. `null` when none matches, the credential is not a password, or the profile names no
   * change template (then the credential is configured by hand).
   */
  async applyProfile(credentialId: string): Promise<CredentialRotationRecord | null> {
    const credential = await this.#credential(credentialId);
    if (await this.store.rotationSettings.get(credential.id)) return null;
    const settings = await this.#profileSettings(credential);
    return settings === null ? null : this.store.rotationSettings.put(credential.id, settings);
  }

  /**
   * The settings for a credential about to be registered, validated before it exists (so a
   * refusal creates nothing): `explicit` settings when the request gives them (`null`: the
   * credential gets none, whatever profile matches), else the best-matching profile's, as in
   * {@link applyProfile}. The caller stores them once the credential exists.
   */
  async registrationSettings(draft: { readonly deviceId: string; readonly kind: CredentialKind }, explicit: unknown, field = 'rotation'): Promise<RegistrationSettings> {
    if (explicit === null) return Object.freeze({ settings: null, source: 'none' });
    if (explicit !== undefined) return Object.freeze({ settings: await resolveSettings(this.store, draft, explicit, field), source: 'explicit' });
    const settings = await this.#profileSettings(draft);
    return Object.freeze({ settings, source: settings === null ? 'none' : 'profile' });
  }

  /** Changes the credential's parent and reconciliation credential (`undefined` keeps one, `null` clears it); the store validates them. */
  async setLinks(credentialId: string, links: CredentialLinks): Promise<Credential> {
    const credential = await this.#credential(credentialId);
    if (links.parentId === undefined && links.reconcileCredentialId === undefined) return credential;
    return this.store.credentials.setLinks(credential.id, links);
  }

  /** The best-matching profile's settings; `null` for a credential that is not a password, without a match, or whose profile names no change template. */
  async #profileSettings(credential: { readonly deviceId: string; readonly kind: CredentialKind }): Promise<CredentialRotationInput | null> {
    if (credential.kind !== 'password') return null;
    const device = await this.store.devices.get(credential.deviceId);
    const profile = device ? matchProfile(await this.store.rotationProfiles.list(), device, credential) : null;
    if (!profile || profile.changeTemplateId === null) return null;
    return resolveSettings(this.store, credential, { profileId: profile.id }, 'profile');
  }

  settings(credentialId: string): Promise<CredentialRotationRecord | null> {
    return this.store.rotationSettings.get(credentialId);
  }

  removeSettings(credentialId: string): Promise<void> {
    return this.store.rotationSettings.delete(credentialId);
  }

  async #credential(credentialId: string): Promise<Credential> {
    const credential = await this.store.credentials.get(credentialId);
    if (credential) return credential;
    throw new OstiaryError('OST_NOT_FOUND', `credentialId: credential ${credentialId} does not exist`, { details: { field: 'credentialId', id: credentialId } });
  }
}
