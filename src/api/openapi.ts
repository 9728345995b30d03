import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { CSRF_HEADER, SESSION_COOKIE } from './authentication.js';

export const DOCS_PREFIX = '/api/docs';

/**
 * The OpenAPI 3 document, generated from the routes' zod schemas, at `/api/docs/json`, and
 * Swagger UI (served from the package, no CDN) at `/api/docs`.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ostiary API',
        version: '1',
        description: `Errors are \`{ code, message, details }\` (docs/errors.md). Authenticate with \`Authorization: Bearer <token>\`, or with the console session cookie plus the \`${CSRF_HEADER}\` header on state-changing requests.`,
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (`ost_…`).' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
}
