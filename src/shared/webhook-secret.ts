import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 24;

/** A new `whsec_…` secret: 24 random bytes, base64-encoded, as Standard Webhooks recommends. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** True for `whsec_` followed by canonical base64 of 24 to 64 bytes. */
export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const encoded = value.slice(SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  return key.length >= SECRET_BYTES && key.length <= 64 && key.toString('base64') === encoded;
}

/**
 * The Standard Webhooks signature of one message: `v1,` and the base64 HMAC-SHA256, keyed by the
 * secret's decoded bytes, of `id.timestamp.body`.
 */
export function signPayload(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
