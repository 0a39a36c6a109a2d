/**
 * Sends a large request body the way an attacker would, for the seed example's body-limit tests:
 * megabytes written as fast as the server takes them, with a declared `Content-Length` or streamed
 * (chunked, no length), while this process's memory is sampled. The seed apps run in this process,
 * so a server that buffered the body would show it as growth of the heap and Buffer memory.
 */
import { request } from 'node:http';

/** How one large request went. */
export interface LargeBodyResult {
  readonly status: number;
  /** The response body parsed as JSON (`undefined` if it is not JSON). */
  readonly json: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Bytes of the body written when the response arrived. */
  readonly sentBeforeAnswer: number;
  /** The highest heap + Buffer memory seen while the request ran, minus what it was before, in bytes. */
  readonly peakMemoryGrowth: number;
}

/** Options of {@link sendLargeBody}. */
export interface LargeBodyOptions {
  readonly path: string;
  readonly contentType: string;
  /** Body bytes to send (the body is a JSON string of `a`s, cut off at this size). */
  readonly bytes: number;
  /** Declare the length (`Content-Length`), or stream it chunked. */
  readonly declareLength: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

const memoryInUse = () => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

/**
 * POSTs a body of `bytes` to `baseUrl + path` and stops sending once the answer arrives (or when all
 * is sent). Write errors after the answer (the server closed the connection) are expected.
 *
 * @example
 * ```ts
 * const result = await sendLargeBody(url, { path: '/login', contentType: 'application/json', bytes: 100 * 2 ** 20, declareLength: false })
 * ```
 */
export function sendLargeBody(baseUrl: string, options: LargeBodyOptions): Promise<LargeBodyResult> {
  const prefix = Buffer.from('{"username":"test","password":"');
  const headers: Record<string, string> = { 'content-type': options.contentType };
  if (options.declareLength) headers['content-length'] = String(options.bytes);
  const before = memoryInUse();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryInUse())), 5);
  return new Promise<LargeBodyResult>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(new URL(options.path, baseUrl), { method: 'POST', headers, agent: false });
    const finish = (result: Omit<LargeBodyResult, 'peakMemoryGrowth'>) => {
      clearInterval(sampler);
      peak = Math.max(peak, memoryInUse());
      req.destroy();
      resolve({ ...result, peakMemoryGrowth: peak - before });
    };
    req.on('response', (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        finish({ status: res.statusCode ?? 0, json, headers: res.headers, sentBeforeAnswer });
      });
    });
    req.on('error', (error) => {
      // EPIPE / ECONNRESET once the server answered and closed: the answer still arrives.
      if (answered) return;
      clearInterval(sampler);
      reject(error);
    });
    const write = (chunk: Buffer): boolean => {
      sent += chunk.length;
      return req.write(chunk);
    };
    write(prefix);
    const pump = (): void => {
      while (!answered && sent < options.bytes) {
        const left = options.bytes - sent;
        if (!write(left < CHUNK.length ? CHUNK.subarray(0, left) : CHUNK)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
