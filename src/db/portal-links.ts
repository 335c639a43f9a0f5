import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import { newId } from '../shared/ids';
import { first, type Db } from './handle';
import type { PortalLink } from './schema';

const TOKEN_PREFIX = 'pl_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewPortalLink {
  workspaceId: string;
  /** The key that asked for the link. */
  apiKeyId: string;
  expiresAt: Date;
}

export interface CreatedPortalLink {
  link: PortalLink;
  /** The token itself: it goes into the link once and is stored only as a hash. */
  token: string;
}

export async function createPortalLink(db: Db, input: NewPortalLink): Promise<CreatedPortalLink> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const [link] = await db.query((q, { portalLinks }) =>
    q
      .insert(portalLinks)
      .values({
        id: newId('pl'),
        workspaceId: input.workspaceId,
        apiKeyId: input.apiKeyId,
        tokenHash: hashToken(token),
        expiresAt: input.expiresAt.toISOString(),
      })
      .returning(),
  );
  if (!link) throw new Error('The new portal link was not returned');
  return { link, token };
}

/**
 * Spends a link: marks it used and returns it, or undefined when the token is unknown, already used or
 * expired. The conditions sit in the UPDATE itself, so of two requests with one token only one wins.
 */
export async function consumePortalLink(
  db: Db,
  token: string,
  now: Date = new Date(),
): Promise<PortalLink | undefined> {
  const at = now.toISOString();
  return first(
    await db.query((q, { portalLinks }) =>
      q
        .update(portalLinks)
        .set({ usedAt: at })
        .where(
          and(eq(portalLinks.tokenHash, hashToken(token)), isNull(portalLinks.usedAt), gt(portalLinks.expiresAt, at)),
        )
        .returning(),
    ),
  );
}

/** A link by its token, spent or not; undefined for an unknown token. */
export async function findPortalLink(db: Db, token: string): Promise<PortalLink | undefined> {
  return first(
    await db.query((q, { portalLinks }) =>
      q
        .select()
        .from(portalLinks)
        .where(eq(portalLinks.tokenHash, hashToken(token))),
    ),
  );
}

/** Forgets links that expired before `before`; returns how many. */
export async function deleteExpiredPortalLinks(db: Db, before: Date): Promise<number> {
  const deleted = await db.query((q, { portalLinks }) =>
    q.delete(portalLinks).where(lte(portalLinks.expiresAt, before.toISOString())).returning({ id: portalLinks.id }),
  );
  return deleted.length;
}
