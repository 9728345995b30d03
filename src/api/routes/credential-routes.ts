import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, assertPermission } from '../../auth/principal.js';
import type { Credential } from '../../domain/index.js';
import { OstiaryError } from '../../domain/index.js';
import { RotationConfiguration, RotationService } from '../../rotation/index.js';
import type { RegistrationSettings, RevealRotation } from '../../rotation/index.js';
import type { NewCredential } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { credentialInput, credentialQuery, credentialView, revealInput, revealView, secretInput, toCredentialView } from '../schemas/credential-schemas.js';
import { responses } from '../schemas/responses.js';

const tags = ['credentials'];
type CredentialInput = z.infer<typeof credentialInput>;
type RevealRotationView = z.infer<typeof revealView>['rotation'];

/**
 * Credentials. Secrets are write-only: sealed by the vault before the store sees them, and
 * returned only by the reveal, which needs `credential:reveal` and a reason and is audited
 * before the secret is decrypted. A new credential gets its rotation settings from the request
 * or the best-matching rotation profile; a reveal requests the change its policy asks for.
 */
export function credentialRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const configuration = new RotationConfiguration(ctx.store);
  const rotations = new RotationService({ store: ctx.store, clock: ctx.now });
  return async (app) => {
    app.get('/credentials', {
      config: { permission: 'credential:read' },
      schema: { tags, summary: 'List credentials', querystring: credentialQuery, response: responses({ 200: pageOf(credentialView) }) },
    }, async (request) => {
      const { deviceId, limit, after } = request.query;
      if (deviceId !== undefined) return { items: (await ctx.store.credentials.listByDevice(deviceId)).map(toCredentialView), next: null };
      const page = await ctx.store.credentials.list({ limit, after });
      return { items: page.items.map(toCredentialView), next: page.next };
    });

    app.get('/credentials/:id', {
      config: { permission: 'credential:read' },
      schema: { tags, summary: 'Show a credential (never its secret)', params: idParams, response: responses({ 200: credentialView }) },
    }, async (request) => toCredentialView(await existingCredential(ctx, request.params.id)));

    app.post('/credentials', {
      config: { permission: 'credential:write' },
      schema: { tags, summary: 'Create a credential; its secret is sealed by the vault', body: credentialInput, response: responses({ 201: credentialView }) },
    }, async (request, reply) => {
      const { rotation, ...input } = request.body;
      if (rotation !== undefined) assertPermission(principalOf(request), 'rotation:admin');
      // Validated before the credential exists: a refused setting or profile creates nothing.
      const registration = await configuration.registrationSettings({ deviceId: input.deviceId, kind: input.kind ?? 'password' }, rotation, 'rotation');
      const credential = await ctx.store.credentials.create(sealed(ctx, input));
      await storeRegistrationSettings(ctx, credential, registration);
      await auditRequest(ctx, request, {
        action: 'credential.create', objectType: 'credential', objectId: credential.id,
        changes: { ...describeInput(input), rotation: { source: registration.source, profileId: registration.settings?.profileId ?? null } },
      });
      return reply.status(201).send(toCredentialView(credential));
    });

    app.put('/credentials/:id/secret', {
      config: { permission: 'credential:write' },
      schema: { tags, summary: 'Set the current secret (the old one stays in history)', params: idParams, body: secretInput, response: responses({ 200: credentialView }) },
    }, async (request) => {
      const credential = await existingCredential(ctx, request.params.id);
      const version = await ctx.store.secrets.replaceCurrent(credential.secretId, ctx.vault.seal(request.body.secret));
      await auditRequest(ctx, request, { action: 'credential.secret_set', objectType: 'credential', objectId: credential.id, changes: { secret: true, secretVersion: version.version } });
      return toCredentialView(credential);
    });

    app.delete('/credentials/:id', {
      config: { permission: 'credential:write' },
      schema: { tags, summary: 'Delete a credential', params: idParams, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const credential = await existingCredential(ctx, request.params.id);
      await ctx.store.credentials.delete(credential.id);
      await auditRequest(ctx, request, { action: 'credential.delete', objectType: 'credential', objectId: credential.id, changes: { deviceId: credential.deviceId, username: credential.username } });
      return reply.status(204).send(null);
    });

    app.post('/credentials/:id/reveal', {
      config: { permission: 'credential:reveal' },
      schema: { tags, summary: 'Reveal the current secret (audited, needs a reason)', params: idParams, body: revealInput, response: responses({ 200: revealView }) },
    }, async (request) => {
      const credential = await existingCredential(ctx, request.params.id);
      const current = await ctx.store.secrets.current(credential.secretId);
      if (current === null) throw new OstiaryError('OST_NOT_FOUND', `credential ${credential.id} has no current secret`, { details: { kind: 'secret' } });
      // Audited first: if the audit append fails, nothing is revealed.
      const event = await auditRequest(ctx, request, {
        action: 'credential.reveal', objectType: 'credential', objectId: credential.id, reason: request.body.reason,
        changes: { secretVersion: current.version, username: credential.username, deviceId: credential.deviceId },
      });
      const rotation = await rotateAfterReveal(ctx, rotations, request, credential);
      return { credentialId: credential.id, secret: ctx.vault.open(current), passphrase: await openPassphrase(ctx, credential), auditSeq: event.seq, rotation };
    });
  };
}

async function existingCredential(ctx: ApiContext, id: string): Promise<Credential> {
  return (await ctx.store.credentials.get(id)) ?? notFound('credential', id);
}

/** Stores the settings a new credential registered with; if that fails, the credential is removed again, so none exists half-configured. */
async function storeRegistrationSettings(ctx: ApiContext, credential: Credential, registration: RegistrationSettings): Promise<void> {
  if (registration.settings === null) return;
  try {
    await ctx.store.rotationSettings.put(credential.id, registration.settings);
  } catch (error) {
    await ctx.store.credentials.delete(credential.id).catch(() => undefined);
    throw error;
  }
}

/**
 * After the audited reveal: the change the policy asks for (`changeAfterReveal`), recorded in
 * the audit trail whether it started or was refused. Never fails the reveal: a refusal (a
 * rotation already running, a first change that must be manual, …) or an unexpected error is
 * recorded and logged, and the secret is returned all the same.
 */
async function rotateAfterReveal(ctx: ApiContext, service: RotationService, request: FastifyRequest, credential: Credential): Promise<RevealRotationView> {
  let outcome: RevealRotation | null;
  try {
    outcome = await service.afterReveal(credential.id, actorOf(principalOf(request)));
  } catch (error) {
    // The error is not an OstiaryError: log its kind only, never a message that could carry data.
    request.log.error({ credentialId: credential.id, errorName: error instanceof Error ? error.name : typeof error }, 'rotation after reveal failed unexpectedly');
    outcome = { kind: 'refused', code: 'OST_INTERNAL', message: 'the rotation after the reveal could not be requested (see the server log)' };
  }
  if (outcome === null) return null;
  try {
    await auditRequest(ctx, request, outcome.kind === 'started'
      ? { action: 'credential.rotate_requested', objectType: 'credential', objectId: credential.id, changes: { trigger: 'reveal', rotationId: outcome.start.rotation.id, operationId: outcome.start.operation.id } }
      : { action: 'credential.rotate_refused', objectType: 'credential', objectId: credential.id, changes: { trigger: 'reveal', code: outcome.code, reason: outcome.message } });
  } catch (error) {
    request.log.error({ credentialId: credential.id, code: error instanceof OstiaryError ? error.code : 'OST_INTERNAL' }, 'the audit event of the rotation after a reveal could not be appended');
  }
  if (outcome.kind === 'refused') request.log.warn({ credentialId: credential.id, code: outcome.code }, 'rotation after reveal refused');
  return outcome.kind === 'started'
    ? { requested: true, rotationId: outcome.start.rotation.id, operationId: outcome.start.operation.id, refusal: null }
    : { requested: false, rotationId: null, operationId: null, refusal: { code: outcome.code, message: outcome.message } };
}

async function openPassphrase(ctx: ApiContext, credential: Credential): Promise<string | null> {
  if (credential.passphraseSecretId === null) return null;
  const current = await ctx.store.secrets.current(credential.passphraseSecretId);
  return current === null ? null : ctx.vault.open(current);
}

function sealed(ctx: ApiContext, input: Omit<CredentialInput, 'rotation'>): NewCredential {
  return {
    ...input,
    secret: ctx.vault.seal(input.secret),
    passphrase: input.passphrase === undefined ? null : ctx.vault.seal(input.passphrase),
    fields: input.fields?.map((field) => ('secret' in field
      ? { name: field.name, value: null, secret: ctx.vault.seal(field.secret) }
      : { name: field.name, value: field.value })),
  };
}

/** What the audit event says about a new credential: its shape, never a secret value. */
function describeInput(input: Omit<CredentialInput, 'rotation'>): Record<string, unknown> {
  return {
    deviceId: input.deviceId,
    username: input.username,
    kind: input.kind ?? 'password',
    secret: true,
    passphrase: input.passphrase !== undefined,
    domain: input.domain ?? null,
    fields: input.fields?.map((field) => ({ name: field.name, secret: 'secret' in field })) ?? [],
    parentId: input.parentId ?? null,
    reconcileCredentialId: input.reconcileCredentialId ?? null,
  };
}
