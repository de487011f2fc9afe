// A TCP proxy on loopback in front of a server: counts every byte the browser sends through it, and can cut
// every open connection at once, as a phone's signal does when it drops between cells.
import { createConnection, createServer } from 'node:net';

export async function startProxy(target) {
  const { hostname, port } = new URL(target);
  const open = new Set();
  const counts = { up: 0, cuts: 0 };
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    const pair = { client, upstream };
    open.add(pair);
    client.on('data', (chunk) => {
      counts.up += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  let timer;
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    counts,
    /** Cuts every open connection now. */
    cut() {
      counts.cuts += 1;
      for (const { client, upstream } of open) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      open.clear();
    },
    /** Cuts every open connection every `ms` milliseconds until `steady()`. */
    dropEvery(ms) {
      clearInterval(timer);
      timer = setInterval(() => this.cut(), ms);
    },
    steady() {
      clearInterval(timer);
    },
    close: () =>
      new Promise((ok) => {
        clearInterval(timer);
        for (const { client, upstream } of open) {
          client.destroy();
          upstream.destroy();
        }
        server.close(ok);
      }),
  };
}
