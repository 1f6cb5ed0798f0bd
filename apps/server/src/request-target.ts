/** The path of a request URL, still percent-encoded (decoding is the route's business). */
export const encodedPath = (url: string): string => new URL(url).pathname;

/** Path and query, as appended to another node's URL to redirect a request there. */
export const pathAndQuery = (url: string): string => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};
