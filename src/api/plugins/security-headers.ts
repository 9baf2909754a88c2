/**
 * Security headers (@fastify/helmet's set) on every response. The content security policy allows
 * what the API docs page (/docs, swagger-ui) needs and nothing else: its own scripts and styles,
 * the inline styles swagger-ui sets, data: images. API responses are JSON and need none of it.
 *
 * Why not helmet's own hook: @fastify/helmet rebuilds helmet — options parsed, the CSP string
 * assembled — on every request, a large part of a warm entity read's CPU. Our options are static
 * (no per-request nonces, no per-route overrides), so the header set is the same for every
 * response: it is taken once, at start, from helmet itself with these very options
 * ({@link helmetHeaders}), and a cheap hook sets it. A helmet upgrade that changes its headers is
 * therefore followed without a change here.
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CellarError } from '../../errors.js';

/** The helmet options of every response. */
export const HELMET_OPTIONS: Readonly<FastifyHelmetOptions> = Object.freeze({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  // The demo listens on plain HTTP; HSTS belongs on the TLS-terminating proxy.
  strictTransportSecurity: false,
});

/**
 * The headers helmet sets with `options`, lowercase names to values: helmet is run once on a
 * throwaway app and what it wrote to the response is read back before Fastify adds its own.
 */
export async function helmetHeaders(
  options: Readonly<FastifyHelmetOptions>,
): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  try {
    await probe.register(helmet, { ...options, global: false });
    let headers: Record<string, string> | undefined;
    probe.get('/', async (_request, reply) => {
      reply.helmet();
      headers = {};
      for (const [name, value] of Object.entries(reply.raw.getHeaders())) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return '';
    });
    await probe.inject({ method: 'GET', url: '/' });
    if (headers === undefined || Object.keys(headers).length === 0) {
      throw new CellarError('CELLAR_ERR_INTERNAL', 'helmet set no headers on the probe response');
    }
    return headers;
  } finally {
    await probe.close();
  }
}

export const securityHeaders = fp(
  async (app: FastifyInstance) => {
    const headers = Object.freeze(await helmetHeaders(HELMET_OPTIONS));
    const names = Object.keys(headers);
    // A callback hook, not an async one: no promise per request.
    app.addHook('onRequest', (_request, reply, done) => {
      for (const name of names) reply.header(name, headers[name]);
      done();
    });
  },
  { name: 'cellar-security-headers', fastify: '5.x' },
);
