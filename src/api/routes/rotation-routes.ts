import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../auth/principal.js';
import { validationError } from '../../domain/index.js';
import type { Credential } from '../../domain/index.js';
import { credentialRotationState, RotationConfiguration, RotationService } from '../../rotation/index.js';
import type { RotationStart, RotationTrigger } from '../../store/rotation-store.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import {
  bulkRotationInput, bulkRotationView, historyQuery, MAX_BULK, rotationHistoryView, rotationProfileInput, rotationProfileView, rotationSettingsInput,
  rotationStartView, rotationStateView, toBulkView, toProfileView, toRotationView, toStartView, toStateView, toVersionView,
} from '../schemas/rotation-schemas.js';

const tags = ['rotation'];

type BulkInput = z.infer<typeof bulkRotationInput>;

/**
 * Credential rotation (DESIGN.md §4, docs/rotation.md): a credential's settings, its state and
 * history, requests (change, verify, reconcile, bulk) and the profiles applied at
 * registration. The service's rules hold here as everywhere: one rotation at a time per
 * credential; a request through the API is a manual trigger, so it may make the first change.
 * Nothing here reads or returns a secret value.
 */
export function rotationRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const configuration = new RotationConfiguration(ctx.store);
  const service = new RotationService({ store: ctx.store, clock: ctx.now });
  return async (app) => {
    app.get('/credentials/:id/rotation', {
      config: { permission: 'rotation:read' },
      schema: { tags, summary: 'A credential’s rotation state: sync state, settings, versions, active and last rotation, next due', params: idParams, response: responses({ 200: rotationStateView }) },
    }, async (request) => {
      const credential = await existingCredential(ctx, request.params.id);
      const [state, settings] = await Promise.all([credentialRotationState(ctx.store, credential.id), configuration.settings(credential.id)]);
      return toStateView(state, credential, settings);
    });

    app.put('/credentials/:id/rotation', {
      config: { permission: 'rotation:admin' },
      schema: { tags, summary: 'Set a credential’s rotation settings (policy, executor, templates, executor settings, or a profile) and/or its parent and reconciliation credential', params: idParams, body: rotationSettingsInput, response: responses({ 200: rotationStateView }) },
    }, async (request) => {
      const { parentId, reconcileCredentialId, ...input } = request.body;
      const found = await existingCredential(ctx, request.params.id);
      // Only links given: the settings stay. Anything else (also `{}`) sets the settings, as before.
      const changesSettings = Object.keys(input).length > 0 || (parentId === undefined && reconcileCredentialId === undefined);
      // Settings are validated before anything is written, so a refused body changes nothing.
      const resolved = changesSettings ? await configuration.resolve(found, input, '') : null;
      const credential = await configuration.setLinks(found.id, { parentId, reconcileCredentialId });
      const settings = resolved === null ? await configuration.settings(credential.id) : await ctx.store.rotationSettings.put(credential.id, resolved);
      const links = { ...(parentId === undefined ? {} : { parentId }), ...(reconcileCredentialId === undefined ? {} : { reconcileCredentialId }) };
      const changes = resolved === null ? links : { ...resolved, executorConfig: resolved.executorConfig === null ? null : '[given]', ...links };
      await auditRequest(ctx, request, { action: 'credential.rotation_set', objectType: 'credential', objectId: credential.id, changes });
      return toStateView(await credentialRotationState(ctx.store, credential.id), credential, settings);
    });

    app.delete('/credentials/:id/rotation', {
      config: { permission: 'rotation:admin' },
      schema: { tags, summary: 'Remove a credential’s rotation settings (it no longer rotates)', params: idParams, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const credential = await existingCredential(ctx, request.params.id);
      await configuration.removeSettings(credential.id);
      await auditRequest(ctx, request, { action: 'credential.rotation_removed', objectType: 'credential', objectId: credential.id });
      return reply.status(204).send(null);
    });

    app.get('/credentials/:id/rotation/history', {
      config: { permission: 'rotation:read' },
      schema: { tags, summary: 'A credential’s secret versions (states and times, never values) and its rotations, newest first', params: idParams, querystring: historyQuery, response: responses({ 200: rotationHistoryView }) },
    }, async (request) => {
      const credential = await existingCredential(ctx, request.params.id);
      const [versions, page] = await Promise.all([ctx.store.secrets.history(credential.secretId), ctx.store.rotations.list(credential.id, request.query)]);
      const newestFirst = [...versions].sort((a, b) => b.version - a.version);
      return { credentialId: credential.id, versions: newestFirst.map(toVersionView), rotations: page.items.map(toRotationView), next: page.next };
    });

    for (const [path, kind, summary] of [
      ['rotate', 'password_change', 'Request a password change now (a manual trigger; also the first change)'],
      ['verify', 'verify', 'Request a verify: probe the passwords, settle a pending one'],
      ['reconcile', 'reconcile', 'Request a reconcile: set a new password through the reconciliation credential'],
    ] as const) {
      app.post(`/credentials/:id/${path}`, {
        config: { permission: 'rotation:request' },
        schema: { tags, summary, params: idParams, response: responses({ 202: rotationStartView }) },
      }, async (request, reply) => {
        const credential = await existingCredential(ctx, request.params.id);
        const requester = actorOf(principalOf(request));
        const start = await requestOne(service, kind, credential.id, requester, triggerOf(request));
        await auditRequest(ctx, request, { action: `credential.${path}_requested`, objectType: 'credential', objectId: credential.id, changes: { rotationId: start.rotation.id, operationId: start.operation.id } });
        return reply.status(202).send(toStartView(start));
      });
    }

    app.post('/rotations', {
      config: { permission: 'rotation:request' },
      schema: { tags, summary: 'Request password changes for many credentials (ids or a filter); each one is accepted or refused with its reason', body: bulkRotationInput, response: responses({ 200: bulkRotationView }) },
    }, async (request) => {
      const ids = request.body.credentialIds ?? (await matchingCredentials(ctx, request.body.filter ?? {}));
      const results = await service.rotateMany(ids, actorOf(principalOf(request)));
      const view = toBulkView(results);
      await auditRequest(ctx, request, { action: 'credential.rotate_bulk_requested', objectType: 'credential', changes: { accepted: view.accepted, refused: view.refused, credentialIds: ids } });
      return view;
    });

    app.get('/rotation/profiles', {
      config: { permission: 'rotation:read' },
      schema: { tags, summary: 'List rotation profiles, oldest first', response: responses({ 200: pageOf(rotationProfileView) }) },
    }, async () => ({ items: (await configuration.listProfiles()).map(toProfileView), next: null }));

    app.get('/rotation/profiles/:id', {
      config: { permission: 'rotation:read' },
      schema: { tags, summary: 'Show a rotation profile', params: idParams, response: responses({ 200: rotationProfileView }) },
    }, async (request) => toProfileView((await configuration.getProfile(request.params.id)) ?? notFound('rotation profile', request.params.id)));

    app.post('/rotation/profiles', {
      config: { permission: 'rotation:admin' },
      schema: { tags, summary: 'Create a rotation profile (criteria, policy, executor, templates)', body: rotationProfileInput, response: responses({ 201: rotationProfileView }) },
    }, async (request, reply) => {
      const profile = await configuration.createProfile(request.body, '');
      await auditRequest(ctx, request, { action: 'rotation_profile.create', objectType: 'rotation_profile', objectId: profile.id, changes: { ...profile } });
      return reply.status(201).send(toProfileView(profile));
    });

    app.put('/rotation/profiles/:id', {
      config: { permission: 'rotation:admin' },
      schema: { tags, summary: 'Replace a rotation profile (credentials configured from it keep their settings)', params: idParams, body: rotationProfileInput, response: responses({ 200: rotationProfileView }) },
    }, async (request) => {
      const profile = await configuration.updateProfile(request.params.id, request.body, '');
      await auditRequest(ctx, request, { action: 'rotation_profile.update', objectType: 'rotation_profile', objectId: profile.id, changes: { ...profile } });
      return toProfileView(profile);
    });

    app.delete('/rotation/profiles/:id', {
      config: { permission: 'rotation:admin' },
      schema: { tags, summary: 'Delete a rotation profile', params: idParams, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      await configuration.deleteProfile(request.params.id);
      await auditRequest(ctx, request, { action: 'rotation_profile.delete', objectType: 'rotation_profile', objectId: request.params.id });
      return reply.status(204).send(null);
    });
  };
}

async function existingCredential(ctx: ApiContext, id: string): Promise<Credential> {
  return (await ctx.store.credentials.get(id)) ?? notFound('credential', id);
}

function requestOne(service: RotationService, kind: 'password_change' | 'verify' | 'reconcile', credentialId: string, requester: string, trigger: RotationTrigger): Promise<RotationStart> {
  if (kind === 'verify') return service.verify(credentialId, requester);
  if (kind === 'reconcile') return service.reconcile(credentialId, requester);
  return service.rotate(credentialId, { requester, trigger });
}

/** A person (session) asks `manual`; a client system (API token) asks `api`. Both may make the first change. */
function triggerOf(request: FastifyRequest): RotationTrigger {
  return principalOf(request).tokenId === null ? 'manual' : 'api';
}

/** The credentials with rotation settings that match the filter, oldest first. */
async function matchingCredentials(ctx: ApiContext, filter: NonNullable<BulkInput['filter']>): Promise<string[]> {
  const matched: string[] = [];
  for await (const credential of candidates(ctx, filter.deviceId)) {
    if (filter.syncState !== undefined && credential.syncState !== filter.syncState) continue;
    const settings = await ctx.store.rotationSettings.get(credential.id);
    if (settings === null || (filter.profileId !== undefined && settings.profileId !== filter.profileId)) continue;
    matched.push(credential.id);
    if (matched.length > MAX_BULK) throw validationError('filter', `matches more than ${MAX_BULK} credentials; narrow it or send credentialIds`);
  }
  return matched;
}

async function* candidates(ctx: ApiContext, deviceId: string | undefined): AsyncGenerator<Credential> {
  if (deviceId !== undefined) return yield* await ctx.store.credentials.listByDevice(deviceId);
  let after: string | undefined;
  do {
    const page = await ctx.store.credentials.list({ limit: 200, after });
    yield* page.items;
    after = page.next ?? undefined;
  } while (after !== undefined);
}
