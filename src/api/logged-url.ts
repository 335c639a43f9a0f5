/** A request URL as it may be logged or echoed: the codec endpoint's token is a credential. */
export function loggedUrl(url: string): string {
  return url.startsWith('/codec/') ? url.replace(/^\/codec\/[^/?]*/, '/codec/…') : url;
}
