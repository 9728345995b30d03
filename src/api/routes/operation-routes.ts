import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { actorOf } from '../../auth/principal.js';
import { validationError } from '../../domain/index.js';
import type { NewOperation, Operation, Template } from '../../domain/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import type { RequestAuditEntry } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { attemptView, cancelInput, operationInput, operationQuery, operationView, toAttemptView, toOperationView, transcriptView } from '../schemas/operation-schemas.js';
import { responses } from '../schemas/responses.js';

const tags = ['operations'];

/** Operations (DESIGN.md §3): submit, list with filters, show, attempts, transcript, cancel, restart, run now. */
export function operationRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/operations', {
      config: { permission: 'operation:read' },
      schema: { tags, summary: 'List operations, newest first, with filters', querystring: operationQuery, response: responses({ 200: pageOf(operationView) }) },
    }, async (request) => {
      const { status, deviceId, credentialId, requester, runId, from, to, limit, after } = request.query;
      const filter = { status, deviceId, credentialId, requester, runId, createdFrom: from, createdTo: to };
      const page = await ctx.store.operations.list(filter, { limit, after });
      return { items: page.items.map(toOperationView), next: page.next };
    });

    app.get('/operations/:id', {
      config: { permission: 'operation:read' },
      schema: { tags, summary: 'Show an operation', params: idParams, response: responses({ 200: operationView }) },
    }, async (request) => toOperationView(await existingOperation(ctx, request.params.id)));

    app.get('/operations/:id/attempts', {
      config: { permission: 'operation:read' },
      schema: { tags, summary: 'The attempts of an operation (one page)', params: idParams, response: responses({ 200: pageOf(attemptView) }) },
    }, async (request) => {
      const operation = await existingOperation(ctx, request.params.id);
      return { items: (await ctx.store.operations.attempts(operation.id)).map(toAttemptView), next: null };
    });

    app.get('/operations/:id/transcript', {
      config: { permission: 'operation:read' },
      schema: { tags, summary: 'The redacted transcript of every attempt', params: idParams, response: responses({ 200: transcriptView }) },
    }, async (request) => {
      const operation = await existingOperation(ctx, request.params.id);
      const attempts = await ctx.store.operations.attempts(operation.id);
      return { operationId: operation.id, attempts: attempts.map(({ number, outcome, transcript }) => ({ number, outcome, transcript })) };
    });

    app.post('/operations', {
      config: { permission: 'operation:submit' },
      schema: { tags, summary: 'Submit an operation', body: operationInput, response: responses({ 201: operationView }) },
    }, async (request, reply) => {
      const operation = await ctx.store.operations.submit(await newOperation(ctx, request.body, principalOf(request).username));
      await auditOperationChange(ctx, request, { action: 'operation.submit', objectType: 'operation', objectId: operation.id, changes: { type: operation.type, templateId: operation.templateId, templateVersion: operation.templateVersion, deviceId: operation.deviceId, credentialId: operation.credentialId, variables: operation.variables } });
      return reply.status(201).send(toOperationView(operation));
    });

    app.post('/operations/:id/cancel', {
      config: { permission: 'operation:control' },
      schema: { tags, summary: 'Cancel (a running one is asked to stop)', params: idParams, body: cancelInput, response: responses({ 200: operationView }) },
    }, async (request) => {
      const operation = await ctx.store.operations.requestCancel(request.params.id, actorOf(principalOf(request)));
      await auditOperationChange(ctx, request, { action: 'operation.cancel', objectType: 'operation', objectId: operation.id, reason: request.body?.reason ?? null });
      return toOperationView(operation);
    });

    app.post('/operations/:id/restart', {
      config: { permission: 'operation:control' },
      schema: { tags, summary: 'Restart a failed operation', params: idParams, response: responses({ 200: operationView }) },
    }, async (request) => {
      const operation = await ctx.store.operations.restart(request.params.id, actorOf(principalOf(request)));
      await auditOperationChange(ctx, request, { action: 'operation.restart', objectType: 'operation', objectId: operation.id });
      return toOperationView(operation);
    });

    app.post('/operations/:id/run-now', {
      config: { permission: 'operation:control' },
      schema: { tags, summary: 'Request immediate execution of a scheduled operation', params: idParams, response: responses({ 200: operationView }) },
    }, async (request) => {
      const operation = await ctx.store.operations.runImmediately(request.params.id, actorOf(principalOf(request)));
      await auditOperationChange(ctx, request, { action: 'operation.run_now', objectType: 'operation', objectId: operation.id });
      return toOperationView(operation);
    });
  };
}

/**
 * The state change the store just made reached the outbox; projecting it first puts it in
 * the chain before the request's own event, so the trail reads in the order things happened.
 */
async function auditOperationChange(ctx: ApiContext, request: FastifyRequest, entry: RequestAuditEntry): Promise<void> {
  await ctx.audit.projectAll();
  await auditRequest(ctx, request, entry);
}

async function existingOperation(ctx: ApiContext, id: string): Promise<Operation> {
  return (await ctx.store.operations.get(id)) ?? notFound('operation', id);
}

type OperationInput = z.infer<typeof operationInput>;

/** Resolves the template version to pin and checks the device and credential belong together. */
async function newOperation(ctx: ApiContext, input: OperationInput, requester: string): Promise<NewOperation> {
  const type = input.type ?? 'task';
  const { template, version } = await pinnedTemplate(ctx, input, type);
  const deviceId = input.deviceId ?? null;
  const credentialId = input.credentialId ?? null;
  await assertTarget(ctx, deviceId, credentialId);
  const notBefore = input.notBefore === undefined ? undefined : Date.parse(input.notBefore);
  const variables = Object.fromEntries(Object.entries(input.variables ?? {}).map(([name, value]) => [name.toUpperCase(), value]));
  return { type, executor: template.executor, templateId: template.id, templateVersion: version, deviceId, credentialId, variables, requester, notBefore };
}

/** The template's latest version unless the caller names one; the template must be of the operation's type. */
async function pinnedTemplate(ctx: ApiContext, input: OperationInput, type: string): Promise<{ template: Template; version: number }> {
  const template = (await ctx.store.templates.get(input.templateId)) ?? notFound('template', input.templateId);
  const version = input.templateVersion ?? template.latestVersion;
  if ((await ctx.store.templates.getVersion(template.id, version)) === null) throw validationError('templateVersion', `template ${template.name} has no version ${version}`);
  if (template.type !== type) throw validationError('templateId', `template ${template.name} is a ${template.type} template, not ${type}`);
  return { template, version };
}

async function assertTarget(ctx: ApiContext, deviceId: string | null, credentialId: string | null): Promise<void> {
  if (deviceId !== null && (await ctx.store.devices.get(deviceId)) === null) notFound('device', deviceId);
  if (credentialId === null) return;
  const credential = (await ctx.store.credentials.get(credentialId)) ?? notFound('credential', credentialId);
  if (deviceId !== null && credential.deviceId !== deviceId) throw validationError('credentialId', 'the credential belongs to another device');
}
