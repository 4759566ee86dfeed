import { createServer, type CreateServerOptions, type UnderstudyServer } from '../../server/index.ts';

/**
 * Starts a real understudy server on an ephemeral loopback port (port 0), for integration tests
 * that talk HTTP to it. The caller closes it (afterAll/afterEach: `await server.close()`).
 */
export function startServer(options: Omit<CreateServerOptions, 'port'> = {}): Promise<UnderstudyServer> {
  return createServer({ host: '127.0.0.1', ...options, port: 0 });
}

export type { UnderstudyServer };
