import { OstiaryError } from '../domain/index.js';
import type { Credential } from '../domain/index.js';
import type { CredentialRotationRecord, RotationProfileRecord } from '../store/rotation-store.js';
import type { Store } from '../store/store.js';
import { matchProfile, parseRotationProfile } from './rotation-profile.js';
import { resolveSettings } from './rotation-settings.js';

/**
 * Rotation policies and profiles (DESIGN.md §4): a credential's policy is set on the
 * credential itself, or taken from the profile whose criteria (device type, vendor, model,
 * credential kind) match it best when it is registered. Input is validated here, at the door.
 */
export class RotationConfiguration {
  constructor(private readonly store: Store) {}

  createProfile(input: unknown): Promise<RotationProfileRecord> {
    return this.store.rotationProfiles.create(parseRotationProfile(input));
  }

  updateProfile(id: string, input: unknown): Promise<RotationProfileRecord> {
    return this.store.rotationProfiles.update(id, parseRotationProfile(input));
  }

  deleteProfile(id: string): Promise<void> {
    return this.store.rotationProfiles.delete(id);
  }

  listProfiles(): Promise<readonly RotationProfileRecord[]> {
    return this.store.rotationProfiles.list();
  }

  /** Sets the credential's rotation settings (policy, templates, or a profile to take them from). */
  async configure(credentialId: string, input: unknown): Promise<CredentialRotationRecord> {
    const credential = await this.#credential(credentialId);
    return this.store.rotationSettings.put(credential.id, await resolveSettings(this.store, credential, input));
  }

  /**
   * At registration: applies the best-matching profile when the credential has no settings
   * yet. `null` when none matches, the credential is not a password, or the profile names no
   * change template (then the credential is configured by hand).
   */
  async applyProfile(credentialId: string): Promise<CredentialRotationRecord | null> {
    const credential = await this.#credential(credentialId);
    if (credential.kind !== 'password' || (await this.store.rotationSettings.get(credential.id))) return null;
    const device = await this.store.devices.get(credential.deviceId);
    const profile = device ? matchProfile(await this.store.rotationProfiles.list(), device, credential) : null;
    if (!profile || profile.changeTemplateId === null) return null;
    return this.store.rotationSettings.put(credential.id, await resolveSettings(this.store, credential, { profileId: profile.id }, 'profile'));
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
