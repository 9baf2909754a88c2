/**
 * The service's logger: pino, JSON lines on stderr. Request fields Fastify or a plugin might add
 * are cut down to the method and route pattern, and credentials are redacted wherever they appear.
 */
import { type Logger, pino } from 'pino';

/** Paths pino replaces with `[redacted]`: credentials, whatever object they ride on. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  '*.authorization',
];

/** A logger for `cellar serve`. `level` defaults to `info` (CELLAR_LOG_LEVEL overrides). */
export function createLogger(level = process.env.CELLAR_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'cellar' },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      serializers: {
        // Never the URL or the headers: the route pattern is logged by the request-log plugin.
        req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
          method: req.method,
          route: req.routeOptions?.url,
        }),
        res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      },
    },
    pino.destination(2),
  );
}
