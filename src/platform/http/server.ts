import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError, type ErrorBody } from '../errors.ts';
import { pgErrorCode } from '../db.ts';

export type HttpOptions = {
  logLevel: string;
  bodyLimit: number;
  /** Built web app (web/dist) served at `/` with an SPA fallback; absent in API-only tests. */
  webDir?: string;
  version: string;
};

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pgToError = (code: string | undefined): AppError | undefined => {
  switch (code) {
    case '23505':
      return new AppError(409, 'conflict.duplicate', { zh: '记录已存在（编码重复）', en: 'a record with this code already exists' });
    case '23503':
      return new AppError(409, 'conflict.reference', { zh: '引用的记录不存在或仍被引用', en: 'a referenced record is missing or still in use' });
    case '23514':
    case '22001':
    case '22P02':
    case '22007':
    case '22008':
      return new AppError(400, 'request.constraint', { zh: '数据不符合约束', en: 'the data violates a constraint' });
    default:
      return undefined;
  }
};

/** Fastify with zod validation, OpenAPI, bilingual JSON errors and the static web app. Knows no archive concept. */
export async function createHttpServer(opts: HttpOptions): Promise<App> {
  const app = Fastify({
    logger: { level: opts.logLevel },
    bodyLimit: opts.bodyLimit,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();
  // The API speaks JSON only: a text/plain body (what a cross-site form can send) is a 415, not parsed.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Dangan 城建电子档案 API', version: opts.version, description: 'Errors: `{ statusCode, code, message: { zh, en } }`.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'dangan_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let out: AppError;
    if (err instanceof AppError) out = err;
    else if (hasZodFastifySchemaValidationErrors(err)) {
      out = new AppError(400, 'request.invalid', { zh: '请求参数不合法', en: 'invalid request' },
        err.validation.map((v) => ({ path: v.instancePath, message: v.message })));
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      out = new AppError(413, 'request.too_large', { zh: '请求体过大', en: 'request body too large' });
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      out = new AppError(415, 'request.media_type', { zh: '不支持的内容类型', en: 'unsupported content type' });
    } else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      out = new AppError(400, 'request.malformed_json', { zh: 'JSON 格式错误', en: 'malformed JSON body' });
    } else {
      const fromPg = pgToError(pgErrorCode(err));
      if (fromPg) out = fromPg;
      else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        out = new AppError(err.statusCode, 'request.rejected', { zh: '请求被拒绝', en: err.message });
      } else {
        request.log.error({ err }, 'unhandled error');
        out = new AppError(500, 'internal', { zh: '服务器内部错误', en: 'internal server error' });
      }
    }
    const body: ErrorBody = out.toJSON();
    return reply.status(out.statusCode).type('application/json').send(body);
  });

  if (opts.webDir && existsSync(opts.webDir)) {
    const indexHtml = await readFile(`${opts.webDir}/index.html`, 'utf8').catch(() => undefined);
    await app.register(fastifyStatic, { root: opts.webDir, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: true, maxAge: '1h' });
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && indexHtml && !request.url.startsWith('/api/')) {
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
      }
      return reply.status(404).send(new AppError(404, 'route.not_found', { zh: '接口不存在', en: 'no such route' }).toJSON());
    });
  } else {
    app.setNotFoundHandler((_request, reply) =>
      reply.status(404).send(new AppError(404, 'route.not_found', { zh: '接口不存在', en: 'no such route' }).toJSON()),
    );
  }
  return app;
}
