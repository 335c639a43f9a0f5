import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { EncryptionKeyring } from '../../security/keyring';

/** How a settings-page session was opened. */
export const SESSION_ORIGINS = { apiKey: 'api-key', portalLink: 'portal-link' } as const;
export type SessionOrigin = (typeof SESSION_ORIGINS)[keyof typeof SESSION_ORIGINS];

/** What a session cookie asserts; the server keeps nothing else about it. */
export interface SessionClaims {
  workspaceId: string;
  /** The key the session acts for: the one pasted in, or the one that made the portal link. */
  apiKeyId: string;
  /** Sent back by the page in a header with every change; a cross-site request cannot know it. */
  csrfToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  origin: SessionOrigin;
}

const ClaimsSchema = z.strictObject({
  workspaceId: z.string().min(1).max(128),
  apiKeyId: z.string().min(1).max(128),
  csrfToken: z.string().min(16).max(128),
  expiresAt: z.number().int().positive(),
  origin: z.enum([SESSION_ORIGINS.apiKey, SESSION_ORIGINS.portalLink]),
});

const FORMAT = 'v1';
/** Separates the signing keys from every other use of the keyring's keys. */
const DERIVATION_LABEL = 'hookline settings-page session v1';
/** Longer than any cookie this makes; longer ones are refused before any work. */
const MAX_TOKEN_LENGTH = 1024;

/** Signs session claims into a cookie value, and checks such values. */
export interface SessionSealer {
  seal(claims: SessionClaims): string;
  /** The claims of a value this or another process sealed with the same keyring; undefined if not authentic. */
  open(value: string): SessionClaims | undefined;
}

/**
 * Session cookies are `v1.<keyId>.<claims>.<mac>`: HMAC-SHA256 under a key derived from the encryption
 * keyring's primary key. Every process holding the keyring (API processes behind a load balancer) signs
 * and checks alike, with nothing else to distribute; after a rotation, cookies signed under an older key
 * of the ring stay valid until they expire.
 */
export function createSessionSealer(keyring: EncryptionKeyring): SessionSealer {
  const signingKeys = new Map(
    [...keyring.keys].map(([keyId, key]) => [keyId, createHmac('sha256', key).update(DERIVATION_LABEL).digest()]),
  );
  const mac = (key: Buffer, signed: string) => createHmac('sha256', key).update(signed).digest();
  return {
    seal(claims) {
      const key = signingKeys.get(keyring.primaryKeyId);
      if (!key) throw new Error(`The primary key ${keyring.primaryKeyId} is missing from the keyring`);
      const signed = `${FORMAT}.${keyring.primaryKeyId}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${signed}.${mac(key, signed).toString('base64url')}`;
    },
    open(value) {
      if (value.length > MAX_TOKEN_LENGTH) return undefined;
      const [format, keyId, claims, signature, ...rest] = value.split('.');
      if (format !== FORMAT || keyId === undefined || claims === undefined || !signature || rest.length > 0) {
        return undefined;
      }
      const key = signingKeys.get(keyId);
      if (!key) return undefined;
      const expected = mac(key, `${format}.${keyId}.${claims}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const parsed = ClaimsSchema.safeParse(JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
