import path from 'node:path';
import type { EncryptionKeyring } from '../../security/keyring';

/**
 * Where `npm run build:ui` puts the page: `dist/ui` (git-ignored), found alike from `src/` and from the
 * compiled `dist/`, both two levels below the root.
 */
export const UI_BUNDLE_DIR = path.resolve(__dirname, '../../../dist/ui');

/** What the settings page and its sessions are served with. */
export interface UiSettings {
  /** Session cookies are signed with keys derived from it, so every API process accepts every other's. */
  keyring: EncryptionKeyring;
  /** How long a session lasts (`HOOKLINE_UI_SESSION_TTL_SECONDS`). */
  sessionTtlSeconds: number;
  /** How long a portal link may be opened (`HOOKLINE_PORTAL_LINK_TTL_SECONDS`), unless the request says less. */
  portalLinkTtlSeconds: number;
  /** Where browsers reach the API (`HOOKLINE_PUBLIC_URL`); unset: the `Host` of the request for the link. */
  publicUrl?: string;
  /** The built page; default {@link UI_BUNDLE_DIR}. */
  bundleDir?: string;
}
