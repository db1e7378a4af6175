import * as fs from 'fs';
import { Readable } from 'stream';

const JSON_PREFIX = '{"connectorSourceCode":"';
const JSON_SUFFIX = '"}';

/**
 * The body `{"connectorSourceCode":"<base64 of the zip>"}` as a stream: the zip is read and
 * encoded chunk by chunk as it is sent, so memory holds neither the zip nor its base64.
 * `length` is exact (computed from the file size) and goes into Content-Length.
 */
export function streamedSourceBody(zipPath: string, zipSize: number = fs.statSync(zipPath).size): { stream: Readable; length: number } {
  const length = JSON_PREFIX.length + 4 * Math.ceil(zipSize / 3) + JSON_SUFFIX.length;
  async function* encode() {
    yield Buffer.from(JSON_PREFIX);
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of fs.createReadStream(zipPath, { highWaterMark: 96 * 1024 })) {
      const data: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const whole = data.length - (data.length % 3);
      if (whole) yield Buffer.from(data.subarray(0, whole).toString('base64'));
      carry = Buffer.from(data.subarray(whole));
    }
    if (carry.length) yield Buffer.from(carry.toString('base64'));
    yield Buffer.from(JSON_SUFFIX);
  }
  return { stream: Readable.from(encode(), { objectMode: false }), length };
}
