import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Template } from '../../domain/index.js';
import { validationError } from '../../domain/index.js';
import { assertTemplateSavable, isTemplateDialect, lintTemplate } from '../../templates/index.js';
import type { TemplateDialect } from '../../templates/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf, pageQuery } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import {
  lintInput,
  lintView,
  savedView,
  templateInput,
  templateView,
  toDiagnosticView,
  toTemplateView,
  toVersionView,
  versionInput,
  versionParams,
  versionView,
} from '../schemas/template-schemas.js';

const tags = ['templates'];

/** Templates and their immutable versions; every save is linted first and refused on an error. */
export function templateRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/templates', {
      config: { permission: 'template:read' },
      schema: { tags, summary: 'List templates', querystring: pageQuery, response: responses({ 200: pageOf(templateView) }) },
    }, async (request) => {
      const page = await ctx.store.templates.list(request.query);
      return { items: page.items.map(toTemplateView), next: page.next };
    });

    app.get('/templates/:id', {
      config: { permission: 'template:read' },
      schema: { tags, summary: 'Show a template with its latest version', params: idParams, response: responses({ 200: z.object({ template: templateView, latest: versionView }) }) },
    }, async (request) => {
      const template = await existingTemplate(ctx, request.params.id);
      const latest = (await ctx.store.templates.getVersion(template.id, template.latestVersion)) ?? notFound('template version', `${template.id}@${template.latestVersion}`);
      return { template: toTemplateView(template), latest: toVersionView(latest) };
    });

    app.get('/templates/:id/versions', {
      config: { permission: 'template:read' },
      schema: { tags, summary: 'Every version of a template (one page)', params: idParams, response: responses({ 200: pageOf(versionView) }) },
    }, async (request) => {
      const template = await existingTemplate(ctx, request.params.id);
      return { items: (await ctx.store.templates.listVersions(template.id)).map(toVersionView), next: null };
    });

    app.get('/templates/:id/versions/:version', {
      config: { permission: 'template:read' },
      schema: { tags, summary: 'One version of a template', params: versionParams, response: responses({ 200: versionView }) },
    }, async (request) => {
      const { id, version } = request.params;
      return toVersionView((await ctx.store.templates.getVersion(id, version)) ?? notFound('template version', `${id}@${version}`));
    });

    app.post('/templates', {
      config: { permission: 'template:write' },
      schema: { tags, summary: 'Create a template (version 1); refused when lint finds an error', body: templateInput, response: responses({ 201: savedView }) },
    }, async (request, reply) => {
      const { name, type, executor, source } = request.body;
      const diagnostics = assertTemplateSavable(source, executor, type);
      const saved = await ctx.store.templates.create({ name, type, executor, source, author: principalOf(request).username });
      await auditRequest(ctx, request, { action: 'template.create', objectType: 'template', objectId: saved.template.id, changes: { name, type, executor, version: 1 } });
      return reply.status(201).send({ template: toTemplateView(saved.template), version: toVersionView(saved.version), diagnostics: diagnostics.map(toDiagnosticView) });
    });

    app.post('/templates/:id/versions', {
      config: { permission: 'template:write' },
      schema: { tags, summary: 'Save a new version; refused when lint finds an error', params: idParams, body: versionInput, response: responses({ 201: savedView }) },
    }, async (request, reply) => {
      const template = await existingTemplate(ctx, request.params.id);
      const diagnostics = assertTemplateSavable(request.body.source, dialectOf(template), template.type);
      const version = await ctx.store.templates.saveVersion(template.id, request.body.source, principalOf(request).username);
      await auditRequest(ctx, request, { action: 'template.save_version', objectType: 'template', objectId: template.id, changes: { version: version.version } });
      const updated = await existingTemplate(ctx, template.id);
      return reply.status(201).send({ template: toTemplateView(updated), version: toVersionView(version), diagnostics: diagnostics.map(toDiagnosticView) });
    });

    app.post('/templates/lint', {
      config: { permission: 'template:read' },
      schema: { tags, summary: 'Lint a source without saving it', body: lintInput, response: responses({ 200: lintView }) },
    }, async (request) => {
      const { source, executor, type } = request.body;
      const diagnostics = lintTemplate(source, { dialect: executor, type });
      return { ok: diagnostics.every((entry) => entry.severity !== 'error'), diagnostics: diagnostics.map(toDiagnosticView) };
    });
  };
}

function dialectOf(template: Template): TemplateDialect {
  if (isTemplateDialect(template.executor)) return template.executor;
  throw validationError('executor', `template ${template.id} is for executor ${template.executor}, which has no lint yet`);
}

async function existingTemplate(ctx: ApiContext, id: string): Promise<Template> {
  return (await ctx.store.templates.get(id)) ?? notFound('template', id);
}
