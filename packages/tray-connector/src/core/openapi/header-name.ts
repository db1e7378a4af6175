/**
 * HTTP field names (RFC 9110 `token`): letters, digits and !#$%&'*+-.^_`|~. Node refuses any other
 * name (ERR_INVALID_HTTP_TOKEN) before a request is sent, so a header parameter or an API-key
 * security scheme named otherwise is left out at import, said why, rather than generated (28.10).
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const HEADER_NAME_RULE = "RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~ only";

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}
