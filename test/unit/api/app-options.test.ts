import { describe, expect, it } from 'vitest';
import { rateLimitFor } from '../../../src/api/app-options.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { DEFAULT_RATE_LIMIT_MAX, DEFAULT_RATE_LIMIT_WINDOW_MS } from '../../../src/config/types.js';
import { useTempDir } from '../config/temp-files.js';

const tmp = useTempDir();

describe('server.rateLimit', () => {
  it('defaults to on, DEFAULT_RATE_LIMIT_MAX per DEFAULT_RATE_LIMIT_WINDOW_MS', () => {
    const config = loadConfig(tmp.write('none.yaml', ''), {});
    expect(rateLimitFor(config.server)).toEqual({
      enabled: true,
      max: DEFAULT_RATE_LIMIT_MAX,
      timeWindowMs: DEFAULT_RATE_LIMIT_WINDOW_MS,
    });
  });

  it('reads the section and lets it turn the limit off', () => {
    const config = loadConfig(
      tmp.write('rl.yaml', 'server: { rateLimit: { enabled: false, max: 5 } }\n'),
      {},
    );
    expect(rateLimitFor(config.server)).toEqual({
      enabled: false,
      max: 5,
      timeWindowMs: DEFAULT_RATE_LIMIT_WINDOW_MS,
    });
  });

  it('refuses unknown keys and bad values', () => {
    expect(() => loadConfig(tmp.write('bad.yaml', 'server: { rateLimit: { perMinute: 5 } }\n'), {})).toThrow(
      /rateLimit/,
    );
    expect(() => loadConfig(tmp.write('bad2.yaml', 'server: { rateLimit: { max: 0 } }\n'), {})).toThrow(
      /max/,
    );
  });
});
