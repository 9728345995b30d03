import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Credential } from '../../domain/index.js';
import { OstiaryError } from '../../domain/index.js';
import type { NewCredential } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { credentialInput, credentialQuery, credentialView, revealInput, revealView, secretInput, toCredentialView } from '../schemas/credential-schemas.js';
import { responses } from '../schemas/responses.js';

const tags = ['credentials'];
type CredentialInput = z.infer<typeof credentialInput>;

/**
 * Credentials. Secrets are write-only: sealed by the vault before the store sees them, and
 * returned only by the reveal, which needs `credential:reveal` and a reason and is audited
 * before the secret is decrypted.
 */
export function credentialRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
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
      const credential = await ctx.store.credentials.create(sealed(ctx, request.body));
      await auditRequest(ctx, request, { action: 'credential.create', objectType: 'credential', objectId: credential.id, changes: describeInput(request.body) });
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
      return { credentialId: credential.id, secret: ctx.vault.open(current), passphrase: await openPassphrase(ctx, credential), auditSeq: event.seq };
    });
  };
}

async function existingCredential(ctx: ApiContext, id: string): Promise<Credential> {
  return (await ctx.store.credentials.get(id)) ?? notFound('credential', id);
}

async function openPassphrase(ctx: ApiContext, credential: Credential): Promise<string | null> {
  if (credential.passphraseSecretId === null) return null;
  const current = await ctx.store.secrets.current(credential.passphraseSecretId);
  return current === null ? null : ctx.vault.open(current);
}

function sealed(ctx: ApiContext, input: CredentialInput): NewCredential {
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
function describeInput(input: CredentialInput): Record<string, unknown> {
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
