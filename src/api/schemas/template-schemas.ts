import { z } from 'zod';
import { TEMPLATE_TYPES } from '../../domain/index.js';
import type { Template, TemplateVersion } from '../../domain/index.js';
import { TEMPLATE_DIALECTS } from '../../templates/index.js';
import type { Diagnostic } from '../../templates/index.js';
import { iso, label, timestamp } from './common-schemas.js';

const source = z.string().max(262_144).describe('Template source in the executor’s dialect.');

export const templateInput = z.strictObject({
  name: label(),
  type: z.enum(TEMPLATE_TYPES),
  executor: z.enum(TEMPLATE_DIALECTS),
  source,
});

export const versionInput = z.strictObject({ source });

export const lintInput = z.strictObject({ source, executor: z.enum(TEMPLATE_DIALECTS), type: z.enum(TEMPLATE_TYPES).optional() });

export const versionParams = z.strictObject({ id: z.uuid(), version: z.coerce.number().int().min(1).max(1_000_000) });

export const diagnosticView = z.object({
  severity: z.enum(['error', 'warning']),
  rule: z.string(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
});

export const lintView = z.object({ ok: z.boolean().describe('No errors (warnings allowed).'), diagnostics: z.array(diagnosticView) });

export const templateView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: z.enum(TEMPLATE_TYPES),
    executor: z.string(),
    latestVersion: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Template' });

export const versionView = z
  .object({ templateId: z.uuid(), version: z.number().int(), source: z.string(), author: z.string(), createdAt: timestamp })
  .meta({ id: 'TemplateVersion' });

export const savedView = z.object({ template: templateView, version: versionView, diagnostics: z.array(diagnosticView) });

export function toTemplateView(template: Template): z.infer<typeof templateView> {
  return { ...template, createdAt: iso(template.createdAt), updatedAt: iso(template.updatedAt) };
}

export function toVersionView(version: TemplateVersion): z.infer<typeof versionView> {
  return { ...version, createdAt: iso(version.createdAt) };
}

export function toDiagnosticView(diagnostic: Diagnostic): z.infer<typeof diagnosticView> {
  return { severity: diagnostic.severity, rule: diagnostic.rule, message: diagnostic.message, line: diagnostic.loc.line, column: diagnostic.loc.column };
}
