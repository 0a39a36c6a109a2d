/**
 * What every consumer program does once its server listens: real HTTP requests through fetch,
 * each answer compared with the one expected, the first difference thrown (the process then exits
 * non-zero and prints it).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `true` only when A and B are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when its type argument is `true`: `assertType<Equal<typeof x, string>>()`. */
export function assertType<T extends true>(): T | void {}

/** One expected exchange: the request, then the status and the JSON body (or a header check). */
export interface Exchange {
  path: string;
  token?: string;
  status: number;
  body?: unknown;
  setCookie?: RegExp;
}

/** Starts `server` on a free loopback port, runs the exchanges in order, closes it, prints `ok`. */
export async function checkServer(name: string, server: Server, exchanges: Exchange[]): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    for (const exchange of exchanges) await check(`http://127.0.0.1:${port}`, exchange);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  console.log(`ok ${name} ${exchanges.length}`);
}

async function check(base: string, exchange: Exchange): Promise<void> {
  const headers: Record<string, string> = exchange.token ? { authorization: `Bearer ${exchange.token}` } : {};
  const response = await fetch(base + exchange.path, { headers });
  const text = await response.text();
  const got = { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  const want = { status: exchange.status, body: exchange.body };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${exchange.path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  const cookie = response.headers.get('set-cookie') ?? '';
  if (exchange.setCookie && !exchange.setCookie.test(cookie)) {
    throw new Error(`${exchange.path}: Set-Cookie ${JSON.stringify(cookie)} does not match ${exchange.setCookie}`);
  }
}

/** The exchanges every framework program answers the same way (flask's statuses and messages). */
export function protectedRouteExchanges(token: string): Exchange[] {
  return [
    { path: '/protected', status: 401, body: { msg: 'Missing Authorization Header' } },
    { path: '/protected', token: 'not.a.token', status: 422, body: { msg: 'Invalid header padding' } },
    {
      path: '/protected',
      token,
      status: 200,
      body: { identity: 'test', roles: ['foo', 'bar'], user: 'test', slot: 'test' },
    },
  ];
}

/** Runs a program's main and turns any failure into a non-zero exit with its message. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
