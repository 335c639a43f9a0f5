import { version } from '../../package.json';

export const HOOKLINE_VERSION: string = version;
export const USER_AGENT = `Hookline/${version}`;
