import { z } from 'zod';
import { CREDENTIAL_KINDS, parseInput } from '../domain/index.js';
import type { Credential, Device } from '../domain/index.js';
import type { NewRotationProfile, ProfileCriteria, RotationProfileRecord } from '../store/rotation-store.js';
import { fieldAt } from './rotation-input.js';
import { parseRotationPolicy, policyToJson, rotationPolicySchema } from './rotation-policy.js';

const optionalText = z.string().trim().min(1).max(200).nullable().default(null);

/** A profile at the door (the API documents it from here). */
export const rotationProfileSchema = z.strictObject({
  name: z.string().trim().min(1, 'expected a name').max(200),
  criteria: z
    .strictObject({
      deviceType: optionalText,
      vendor: optionalText,
      model: optionalText,
      credentialKind: z.enum(CREDENTIAL_KINDS).nullable().default(null),
    })
    .default({ deviceType: null, vendor: null, model: null, credentialKind: null }),
  policy: rotationPolicySchema.optional(),
  executor: optionalText,
  changeTemplateId: optionalText,
  verifyTemplateId: optionalText,
  reconcileTemplateId: optionalText,
});

export type RotationProfileInput = z.input<typeof rotationProfileSchema>;

/**
 * Validates a profile at the door: criteria (a missing one matches anything), the rotation
 * policy it gives matching credentials, and optionally the executor and templates.
 */
export function parseRotationProfile(input: unknown, field = 'profile'): NewRotationProfile {
  const parsed = parseInput(rotationProfileSchema, input, field);
  const policy = parseRotationPolicy(parsed.policy, fieldAt(field, 'policy'));
  return Object.freeze({ ...parsed, criteria: Object.freeze(parsed.criteria), policy: policyToJson(policy) });
}

/**
 * The profile for a credential being registered: among the profiles whose every criterion
 * matches (case-insensitively), the most specific one — the most criteria set — and among
 * equally specific ones the oldest, so adding a profile never silently changes who wins a tie.
 */
export function matchProfile(profiles: readonly RotationProfileRecord[], device: Device, credential: Pick<Credential, 'kind'>): RotationProfileRecord | null {
  let best: RotationProfileRecord | null = null;
  for (const profile of profiles) {
    if (!matches(profile.criteria, device, credential)) continue;
    if (best === null || specificity(profile.criteria) > specificity(best.criteria)) best = profile;
  }
  return best;
}

function matches(criteria: ProfileCriteria, device: Device, credential: Pick<Credential, 'kind'>): boolean {
  return (
    same(criteria.deviceType, device.type) &&
    same(criteria.vendor, device.vendor) &&
    same(criteria.model, device.model) &&
    same(criteria.credentialKind, credential.kind)
  );
}

function same(wanted: string | null, actual: string | null): boolean {
  return wanted === null || (actual !== null && wanted.toLowerCase() === actual.toLowerCase());
}

function specificity(criteria: ProfileCriteria): number {
  return [criteria.deviceType, criteria.vendor, criteria.model, criteria.credentialKind].filter((value) => value !== null).length;
}
