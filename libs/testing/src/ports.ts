import { createServer } from 'node:net';

/** Ports this process has handed out: the kernel may offer a port again as soon as it is closed. */
const handedOut = new Set<number>();

function askKernel(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: the server has no TCP address'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now and that this process has not
 * handed out before (two services given the same port would collide when they both listen).
 * The kernel picks it (port 0), so parallel test files do not collide the way a fixed or
 * random-number port would.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await askKernel();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('freePort: the kernel kept offering ports already handed out');
}
