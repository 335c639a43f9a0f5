import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/shared/config';

describe('loadConfig', () => {
  it('fills documented defaults and resolves paths', () => {
    const config = loadConfig({ LOG_FORMAT: 'json' });
    expect(config.temporal).toMatchObject({
      address: undefined,
      namespace: 'default',
      taskQueue: 'hookline-deliveries',
      port: 7233,
      uiPort: 8233,
      uiUrl: 'http://localhost:8233',
    });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.databasePath).toBe(path.resolve('data', 'hookline.db'));
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      limits: { rateLimitPerMinute: 6000, maxWebhooksPerWorkspace: 1000, recoveryRatePerSecond: 20 },
    });
    expect(config.log).toEqual({ level: 'info', pretty: false });
  });

  it('keeps webhooks in SQLite by default, and in PostgreSQL when DATABASE_URL is set', () => {
    const url = 'postgres://hookline:pw@db.internal:5432/hookline';

    expect(loadConfig({ DATABASE_PATH: 'x/hooks.db' }).database).toEqual({
      dialect: 'sqlite',
      path: path.resolve('x', 'hooks.db'),
    });
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ dialect: 'postgres', url });
    expect(loadConfig({ DATABASE_URL: url.replace('postgres:', 'postgresql:') }).database.dialect).toBe('postgres');
  });

  it('refuses a DATABASE_URL that is not PostgreSQL’s, without repeating it', () => {
    for (const value of ['mysql://root:hunter2@db/hookline', 'hunter2', 'postgres://:hunter2@/hookline']) {
      const error = (() => {
        try {
          loadConfig({ DATABASE_URL: value });
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]).toMatch(/^DATABASE_URL: must /);
      expect((error as ConfigError).message).not.toContain('hunter2');
    }
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.temporal)).toBe(true);
  });

  it('rejects bad values with a message naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', TEMPORAL_UI_URL: 'not a url' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'LOG_LEVEL',
      'PORT',
      'TEMPORAL_UI_URL',
    ]);
  });

  it('reads the API limits, 0 turning rate limiting off, and refuses anything but whole numbers', () => {
    const config = loadConfig({ HOOKLINE_RATE_LIMIT_PER_MINUTE: '0', HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE: '25' });
    expect(config.http.limits).toEqual({
      rateLimitPerMinute: 0,
      maxWebhooksPerWorkspace: 25,
      recoveryRatePerSecond: 20,
    });

    for (const [name, value] of [
      ['HOOKLINE_RATE_LIMIT_PER_MINUTE', ''],
      ['HOOKLINE_RATE_LIMIT_PER_MINUTE', '-1'],
      ['HOOKLINE_RATE_LIMIT_PER_MINUTE', '1.5'],
      ['HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE', '0'],
      ['HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE', 'lots'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(`${name}:`);
    }
  });
});
