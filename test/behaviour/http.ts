/**
 * A tiny HTTP client for the behaviour suite, on node:http rather than fetch: it can send a header
 * twice (fetch folds repeated headers into one), sends HEAD and OPTIONS as given, and returns the
 * raw `Set-Cookie` lines in order.
 */
import { Agent, request } from 'node:http';

/** A request as a scenario describes it. */
export interface RequestSpec {
  /** Default `GET`. */
  readonly method?: string;
  /** Path and query string, e.g. `/protected?jwt=...`. */
  readonly path: string;
  /** Header values; an array sends the header once per value. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Sent as one `Cookie` header, in this order. */
  readonly cookies?: Readonly<Record<string, string>>;
  /** Sent as `application/json` (unless a content-type header is given). */
  readonly json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  readonly form?: Readonly<Record<string, string>>;
  /** A raw body; give the content type in `headers`. */
  readonly body?: string;
}

/** What came back. */
export interface ResponseData {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Every `Set-Cookie` line, in order, exactly as sent. */
  readonly setCookie: readonly string[];
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  readonly json: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Sends one request to `baseUrl` (`http://127.0.0.1:port`).
 *
 * @example
 * ```ts
 * const res = await send(app.baseUrl, { path: '/protected', headers: { authorization: `Bearer ${token}` } })
 * ```
 */
export function send(baseUrl: string, spec: RequestSpec): Promise<ResponseData> {
  const url = new URL(spec.path, baseUrl);
  const headers: Record<string, string | string[]> = {};
  let body: string | undefined;
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json);
    headers['content-type'] = 'application/json';
  } else if (spec.form !== undefined) {
    body = new URLSearchParams(spec.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (spec.body !== undefined) {
    body = spec.body;
  }
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    headers[name.toLowerCase()] = typeof value === 'string' ? value : [...value];
  }
  if (spec.cookies !== undefined) {
    headers.cookie = Object.entries(spec.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: spec.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          setCookie: res.headers['set-cookie'] ?? [],
          text,
          json: parseJson(text),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
