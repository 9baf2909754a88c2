import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HELMET_OPTIONS,
  helmetHeaders,
  securityHeaders,
} from '../../../../src/api/plugins/security-headers.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** An app with a JSON route, a failing route and the given header plugin. */
async function appWith(register: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  apps.push(app);
  await register(app);
  app.get('/ok', async () => ({ ok: true }));
  app.get('/fail', async () => {
    throw new Error('boom');
  });
  return app;
}

function withoutDate(headers: Record<string, unknown>): Record<string, unknown> {
  const { date: _date, ...rest } = headers;
  return rest;
}

describe('helmetHeaders', () => {
  it("is helmet's header set for our options: the docs page's CSP, no HSTS", async () => {
    const headers = await helmetHeaders(HELMET_OPTIONS);
    expect(headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBeUndefined();
    expect(headers['content-type']).toBeUndefined();
  });
});

describe('securityHeaders', () => {
  it('sends exactly what @fastify/helmet sends, on answers and on errors', async () => {
    const ours = await appWith(async (app) => {
      await app.register(securityHeaders);
    });
    const theirs = await appWith(async (app) => {
      await app.register(helmet, { ...HELMET_OPTIONS, global: true });
    });
    for (const url of ['/ok', '/fail', '/missing']) {
      const a = await ours.inject({ method: 'GET', url });
      const b = await theirs.inject({ method: 'GET', url });
      expect(a.statusCode).toBe(b.statusCode);
      expect(withoutDate(a.headers)).toEqual(withoutDate(b.headers));
    }
  });
});
