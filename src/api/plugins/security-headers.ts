/**
 * Security headers (@fastify/helmet) on every response. The content security policy allows what
 * the API docs page (/docs, swagger-ui) needs and nothing else: its own scripts and styles, the
 * inline styles swagger-ui sets, data: images. API responses are JSON and need none of it.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const securityHeaders = fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, {
      global: true,
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
  },
  { name: 'cellar-security-headers', fastify: '5.x' },
);
