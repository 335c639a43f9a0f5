import type { Db } from '../../db/client';
import { createPortalLink, deleteExpiredPortalLinks } from '../../db/portal-links';
import { ValidationError } from '../domain/errors';
import { defineRoute, type ApiRoute } from '../route';
import { CreatePortalSessionBody, PortalSession, PortalSessionHeaders, type PortalSessionView } from '../schemas';

/** The page's address under the API's; the portal token follows in the fragment. */
export const UI_PATH = '/ui/';
/** The fragment a portal link carries its token in: `/ui/#portal=<token>`. */
export const PORTAL_FRAGMENT = 'portal=';

/** Spent and expired links are kept this long, so that opening one again says why it fails. */
const KEEP_SPENT_LINKS_MS = 24 * 60 * 60 * 1000;

export interface NewPortalSessionInput {
  workspaceId: string;
  apiKeyId: string;
  /** Where the link points: the API as browsers reach it, without a trailing slash. */
  baseUrl: string;
  ttlSeconds: number;
  now?: Date;
}

/** Makes a one-time link to the settings page of a workspace, acting for the key that asked for it. */
export async function createPortalSession(db: Db, input: NewPortalSessionInput): Promise<PortalSessionView> {
  const now = input.now ?? new Date();
  await deleteExpiredPortalLinks(db, new Date(now.getTime() - KEEP_SPENT_LINKS_MS));
  const { link, token } = await createPortalLink(db, {
    workspaceId: input.workspaceId,
    apiKeyId: input.apiKeyId,
    expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
  });
  return { url: `${input.baseUrl}${UI_PATH}#${PORTAL_FRAGMENT}${token}`, expiresAt: link.expiresAt };
}

export const portalRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/v1/portal-sessions',
    operationId: 'createPortalSession',
    summary:
      "Make a one-time link that opens this workspace's webhooks settings page without an API key, for a customer to manage their endpoints",
    tag: 'Settings page',
    request: { body: CreatePortalSessionBody, headers: PortalSessionHeaders },
    responses: {
      201: {
        description:
          'The link. Opening it starts a session that acts for this API key on webhooks, deliveries and events only; revoking the key ends it.',
        schema: PortalSession,
      },
    },
    handle: async ({ body, headers, workspace, apiKey, deps, reply }) => {
      const allowed = deps.ui.portalLinkTtlSeconds;
      const ttlSeconds = body.expiresInSeconds ?? allowed;
      if (ttlSeconds > allowed) {
        throw new ValidationError([
          { field: 'expiresInSeconds', message: `must be at most ${allowed} (HOOKLINE_PORTAL_LINK_TTL_SECONDS)` },
        ]);
      }
      const baseUrl = deps.ui.publicUrl ?? `http://${headers.host ?? 'localhost'}`;
      return reply(
        201,
        await createPortalSession(deps.db, { workspaceId: workspace.id, apiKeyId: apiKey.id, baseUrl, ttlSeconds }),
      );
    },
  }),
];
