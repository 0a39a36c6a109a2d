/**
 * A TCP forwarder on 127.0.0.1 standing in for what moves clients to a new Redis primary in a
 * failover (a virtual IP, a DNS switch, a Sentinel-aware client): clients connect to the proxy's
 * port, and {@link TcpProxy.retarget} drops every open connection and sends new ones elsewhere.
 * The clients themselves (ioredis) reconnect as they would after a real failover.
 */
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  /** Sends new connections to `port`, closing the open ones (as a dead primary would). */
  retarget(port: number): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `targetPort` on a free port.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy(primary.port);
 * const client = new Redis({ port: proxy.port });
 * proxy.retarget(replica.port);
 * ```
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let target = targetPort;
  const open = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = createConnection({ host: '127.0.0.1', port: target });
    for (const socket of [inbound, outbound]) {
      open.add(socket);
      socket.on('error', () => undefined); // the other side's close ends this one too
      socket.on('close', () => {
        open.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    retarget(port) {
      target = port;
      for (const socket of open) socket.destroy();
    },
    async close() {
      for (const socket of open) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
