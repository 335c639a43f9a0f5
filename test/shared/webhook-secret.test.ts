import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, isWebhookSecret, signPayload } from '../../src/shared/webhook-secret';

describe('webhook secrets', () => {
  it('generates distinct whsec_ secrets of 24 random bytes', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(a).not.toBe(b);
    expect(isWebhookSecret(a)).toBe(true);
  });

  it('accepts only whsec_ followed by canonical base64 of 24 to 64 bytes', () => {
    expect(isWebhookSecret('whsec_' + Buffer.alloc(32, 1).toString('base64'))).toBe(true);
    expect(isWebhookSecret(Buffer.alloc(32, 1).toString('base64'))).toBe(false);
    expect(isWebhookSecret('whsec_' + Buffer.alloc(8, 1).toString('base64'))).toBe(false);
    expect(isWebhookSecret('whsec_not base64!')).toBe(false);
    expect(isWebhookSecret('whsec_')).toBe(false);
  });

  it('signs exactly as the standardwebhooks library does', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2026-01-15T10:00:00Z');
    const body = JSON.stringify({ hello: 'world' });
    expect(signPayload(secret, 'evt_1', at.getTime() / 1000, body)).toBe(
      new StandardWebhook(secret).sign('evt_1', at, body),
    );
  });
});
