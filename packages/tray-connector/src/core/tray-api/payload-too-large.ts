/**
 * Tray (or a gateway in front of it) answering 413 to a deploy: the request body, the zip as
 * base64 inside JSON, was over its limit. Said with the sizes and what to change, instead of a
 * bare "unexpected HTTP 413".
 */

/** `12.3 kB` / `4.56 MB` for people (1 kB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** The size of the deploy request's body for a zip of `zipBytes`: `{"connectorSourceCode":"<base64>"}`. */
export function deployBodyBytes(zipBytes: number): number {
  return '{"connectorSourceCode":""}'.length + 4 * Math.ceil(zipBytes / 3);
}

export interface PayloadTooLarge {
  region: string;
  /** e.g. `acme-crm 1.2.0`. */
  subject: string;
  /** Size of the zip sent, when known (deploy requests). */
  zipBytes?: number;
  /** What the server said (already masked), e.g. ` Response: (not JSON) <html>...`. */
  withBody: string;
}

/** The message for a 413 answer. */
export function payloadTooLargeMessage(p: PayloadTooLarge): string {
  const sizes =
    p.zipBytes === undefined
      ? "The request body was over the server's limit."
      : `The zip is ${formatBytes(p.zipBytes)} (${p.zipBytes} bytes), sent base64-encoded as a ${formatBytes(deployBodyBytes(p.zipBytes))} request body, over the server's limit.`;
  return (
    `${p.region}: Tray refused ${p.subject} as too large (HTTP 413 Payload Too Large). ${sizes} ` +
    'Make the connector smaller (look for data files, fixtures or vendored code that need not ship), and set the build option ' +
    '"maxZipBytes" below the size Tray takes so that `build` refuses such a zip (naming its largest files) before any upload.' +
    p.withBody
  );
}
