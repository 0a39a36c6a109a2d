/**
 * Repeated header lines written byte for byte on a raw socket (node:net), as a client or proxy
 * could send them: names in different cases, on every framework. The table's `x-dup-*` rows send
 * them through node:http; this proves the rule does not depend on how the client spells the name.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './app-contract.js';
import { FRAMEWORKS, type Framework } from './frameworks.js';
import { createManager } from './scenarios.js';

/** Sends `head` (request line and header lines, without the blank line) and gives status and body. */
function rawRequest(baseUrl: string, head: readonly string[]): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyStart = text.indexOf('\r\n\r\n');
      let body = bodyStart === -1 ? '' : text.slice(bodyStart + 4);
      // Chunked bodies (Koa, Hono): keep the JSON object only.
      const json = /\{.*\}/s.exec(body);
      if (json) body = json[0];
      resolve({ status, body });
    });
    // write, not end: a half-closed socket makes @hono/node-server drop the answer of a handler that
    // is still awaiting (the WebCrypto engine verifies asynchronously). `Connection: close` ends it.
    socket.write(`${[...head, `Host: ${hostname}:${port}`, 'Connection: close'].join('\r\n')}\r\n\r\n`);
  });
}

const BAD_HEADER = {
  status: 422,
  body: JSON.stringify({ msg: "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'" }),
};

/** The answer to two token lines: 422, or the framework's override of the same table row (x-dup-a / x-dup-c). */
function twoLines(framework: Framework, row: 'x-dup-a' | 'x-dup-c'): { status: number; body: string } {
  const override = framework.overrides?.[row];
  if (override === undefined) return BAD_HEADER;
  if (!('expect' in override) || typeof override.expect === 'function') throw new Error(`${row}: a fixed expectation`);
  return { status: override.expect.status, body: JSON.stringify(override.expect.body) };
}

for (const framework of FRAMEWORKS) {
  describe(`${framework.name}: repeated lines on a raw socket`, () => {
    const jwt = createManager('default', framework.managerOptions);
    let app: TestApp;
    let token: string;
    beforeAll(async () => {
      app = await framework.factory(jwt);
      token = await jwt.createAccessToken('username');
    });
    afterAll(() => app.close());

    it('one Authorization line passes (the control)', async () => {
      const res = await rawRequest(app.baseUrl, ['GET /protected HTTP/1.1', `Authorization: Bearer ${token}`]);
      expect(res.status).toBe(200);
    });

    it('"Authorization" then "authorization": 422, the forged second line never ignored', async () => {
      const res = await rawRequest(app.baseUrl, [
        'GET /protected HTTP/1.1',
        `Authorization: Bearer ${token}`,
        'authorization: Bearer forged.token.here',
      ]);
      expect(res).toEqual(twoLines(framework, 'x-dup-a'));
    });

    it('"AUTHORIZATION" then "Authorization" with the same token: 422', async () => {
      const res = await rawRequest(app.baseUrl, [
        'GET /protected HTTP/1.1',
        `AUTHORIZATION: Bearer ${token}`,
        `Authorization: Bearer ${token}`,
      ]);
      expect(res).toEqual(twoLines(framework, 'x-dup-c'));
    });
  });
}
