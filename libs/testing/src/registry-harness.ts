import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID, sign, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { freePort } from './ports';
import { probeStatus } from './registry-api';
import { processCpuSeconds } from './proc-stats';

/** Credentials a test registry accepts. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Options of {@link startRegistry}; without any, the registry is anonymous (no auth). */
export interface StartRegistryOptions {
  /** Basic auth through an htpasswd file holding this one user. */
  htpasswd?: RegistryCredentials;
  /**
   * Bearer token auth: the harness runs a token issuer on its own port whose signing certificate
   * the registry trusts. `users` empty or absent means anonymous token requests are granted.
   */
  token?: { users?: RegistryCredentials[]; ttlSeconds?: number };
  /**
   * Bearer token auth by a token service outside the harness (Ferry's `/v2/auth`): the registry
   * sends clients to `realm` and trusts tokens whose x5c chain ends in a certificate of `rootCertBundle`.
   */
  trustTokenService?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** Keep the registry's log at level info (it names each request's authenticated user): see {@link RunningRegistry.log}. */
  keepLog?: boolean;
  /**
   * Count every request the registry answers (from its access log), without a proxy in the
   * path: see {@link RunningRegistry.requestCount}.
   */
  countRequests?: boolean;
  /**
   * Serve https with a certificate for 127.0.0.1 and localhost, signed by a CA made for this
   * registry (see {@link RunningRegistry.caCertificate}).
   */
  tls?: boolean;
  /** Listen on this port (chosen by the test with `freePort`, when something must name the registry before it starts); default: a free one. */
  port?: number;
  /**
   * Send the registry's notifications (`notifications.endpoints`) to `url`, with `headers`
   * (each a list of values, as the registry's config takes them). Blob events are left out.
   */
  notifications?: { url: string; headers?: Record<string, string[]> };
  /** Distribution's pull-through cache mode (`proxy.remoteurl`): a read-only mirror of this registry, filled on demand. */
  proxyRemoteUrl?: string;
}

/** The token issuer of a registry started with `token`, so tests can count and steer it. */
export interface TokenIssuer {
  url: string;
  /** Every token request received, with the scopes asked for. */
  readonly requests: Array<{ scopes: string[]; username: string | null }>;
}

/** A running `docker-registry` on a free loopback port with its own temporary storage. */
export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`) */
  url: string;
  /** With `tls`: the PEM certificate of the CA that signed the registry's certificate (a custom CA bundle). */
  caCertificate?: string;
  /** `127.0.0.1:<port>`, the form an upstream reference uses. */
  host: string;
  /** Where the registry keeps its blobs and repositories. */
  rootDir: string;
  /** Credentials to push with when the registry requires them. */
  credentials?: RegistryCredentials;
  tokenIssuer?: TokenIssuer;
  /** Requests answered so far (registries started with `countRequests`; else 0). */
  readonly requestCount: number;
  /** Waits until the access log has caught up with the answers sent so far, then zeroes the count. */
  resetRequestCount(): Promise<void>;
  /** Waits until the access log has caught up with the answers sent so far (it is written after each answer). */
  settleRequestCount(): Promise<number>;
  /** With `countRequests`: the access log's lines since the last reset (`... "PUT /v2/... HTTP/1.1" 201 ...`). */
  accessLog(): string[];
  /** With `keepLog`: what the registry logged so far (level info, with `auth.user.name` per request). */
  log(): string;
  /** CPU time (user + system, seconds) the registry process has used so far, from /proc (Linux). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}


const TOKEN_SERVICE = 'ferry-test-registry';
const TOKEN_ISSUER = 'ferry-test-issuer';

/** docker-registry reads bcrypt hashes only; Python's crypt module has Blowfish and no npm package is needed. */
function bcryptHash(password: string): string {
  const script = 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))';
  try {
    return execFileSync('python3', ['-W', 'ignore', '-c', script, password], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error('startRegistry: htpasswd needs python3 with the crypt module to make a bcrypt hash', { cause: error });
  }
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

interface IssuerHandle extends TokenIssuer {
  server: Server;
}

async function startTokenIssuer(dir: string, users: RegistryCredentials[], ttlSeconds: number): Promise<{ issuer: IssuerHandle; certPath: string }> {
  const keyPath = join(dir, 'issuer-key.pem');
  const certPath = join(dir, 'issuer-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${TOKEN_ISSUER}`], {
    stdio: 'ignore',
  });
  const privateKey = createPrivateKey(readFileSync(keyPath));
  // The registry checks the x5c chain against its root bundle; the self-signed certificate is that root.
  const certDer = readFileSync(certPath, 'utf8').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const requests: TokenIssuer['requests'] = [];
  const port = await freePort();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    let username: string | null = null;
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [u, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      const p = rest.join(':');
      if (!users.some((c) => c.username === u && c.password === p)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      username = u ?? null;
    } else if (users.length > 0) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"credentials required"}');
      return;
    }
    requests.push({ scopes, username });
    const access = scopes.map((scope) => {
      const [type, ...middle] = scope.split(':');
      const actions = middle.pop() ?? '';
      return { type, name: middle.join(':'), actions: actions.split(',').filter(Boolean) };
    });
    const now = Math.floor(Date.now() / 1000);
    const headerPart = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }));
    const claims = base64url(
      JSON.stringify({ iss: TOKEN_ISSUER, sub: username ?? '', aud: TOKEN_SERVICE, exp: now + ttlSeconds, nbf: now - 10, iat: now, jti: randomUUID(), access }),
    );
    const signature = base64url(sign('sha256', Buffer.from(`${headerPart}.${claims}`), privateKey));
    const token = `${headerPart}.${claims}.${signature}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: ttlSeconds }));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { issuer: { url: `http://127.0.0.1:${port}/token`, requests, server }, certPath };
}

/**
 * A token service's signing key and self-signed certificate (EC P-256), as `openssl` makes them
 * and as Ferry's FERRY_TOKEN_SIGNING_KEY / FERRY_TOKEN_SIGNING_CERT take them.
 */
export function makeTokenSigningFiles(dir: string, name: string): { keyPath: string; certPath: string } {
  const keyPath = join(dir, `${name}-key.pem`);
  const certPath = join(dir, `${name}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${name}`], {
    stdio: 'ignore',
  });
  return { keyPath, certPath };
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it (EC keys: quick to make). */
function makeTlsFiles(dir: string): { certPath: string; keyPath: string; caCertificate: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const caKey = join(dir, 'ca-key.pem');
  const caCert = join(dir, 'ca-cert.pem');
  const keyPath = join(dir, 'server-key.pem');
  const csr = join(dir, 'server.csr');
  const certPath = join(dir, 'server-cert.pem');
  const ext = join(dir, 'server-ext.cnf');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=Ferry test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', ...ec, '-keyout', keyPath, '-out', csr, '-subj', '/CN=127.0.0.1']);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', '2', '-extfile', ext]);
  return { certPath, keyPath, caCertificate: readFileSync(caCert, 'utf8') };
}

async function waitUntilServing(url: string, child: ChildProcess, stderr: () => string, caCertificate?: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
    try {
      const status = await probeStatus(`${url}/v2/`, caCertificate);
      if (status === 200 || status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry at ${url} did not answer within 15 s: ${stderr()}`);
}

/**
 * Starts a real `docker-registry` (CNCF distribution 2.8) on a free 127.0.0.1 port with storage in
 * a fresh temporary directory, deletes enabled. `stop()` kills it and removes the directory.
 */
export async function startRegistry(opts: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-registry-'));
  const port = opts.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log:',
    `  level: ${opts.keepLog ? 'info' : 'error'}`,
    '  accesslog:',
    `    disabled: ${opts.countRequests ? 'false' : 'true'}`,
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomUUID()}`,
  ];
  let caCertificate: string | undefined;
  if (opts.tls) {
    const files = makeTlsFiles(dir);
    caCertificate = files.caCertificate;
    lines.push('  tls:', `    certificate: ${files.certPath}`, `    key: ${files.keyPath}`);
  }
  let issuer: IssuerHandle | undefined;
  let credentials: RegistryCredentials | undefined;
  if (opts.htpasswd) {
    const htpasswdPath = join(dir, 'htpasswd');
    writeFileSync(htpasswdPath, `${opts.htpasswd.username}:${bcryptHash(opts.htpasswd.password)}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: ferry-test', `    path: ${htpasswdPath}`);
    credentials = opts.htpasswd;
  } else if (opts.trustTokenService) {
    const t = opts.trustTokenService;
    lines.push('auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.rootCertBundle}`);
  } else if (opts.token) {
    const started = await startTokenIssuer(dir, opts.token.users ?? [], opts.token.ttlSeconds ?? 300);
    issuer = started.issuer;
    credentials = opts.token.users?.[0];
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${issuer.url}`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${started.certPath}`,
    );
  }
  if (opts.notifications) {
    const { url, headers = {} } = opts.notifications;
    lines.push('notifications:', '  endpoints:', '    - name: ferry', `      url: ${url}`);
    if (Object.keys(headers).length) lines.push('      headers:', ...Object.entries(headers).map(([name, values]) => `        ${name}: [${values.map((v) => JSON.stringify(v)).join(', ')}]`));
    // The registry's own retry settings: give up on an endpoint after 3 failures, retry a second later.
    lines.push('      timeout: 1s', '      threshold: 3', '      backoff: 1s', '      ignoredmediatypes:', '        - application/octet-stream');
  }
  if (opts.proxyRemoteUrl) lines.push('proxy:', `  remoteurl: ${opts.proxyRemoteUrl}`);
  const configPath = join(dir, 'config.yml');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', opts.countRequests ? 'pipe' : 'ignore', 'pipe'] });
  // The access log (stdout) has one line per answered request.
  const counter = { lines: 0 };
  let accessLines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) counter.lines++;
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    accessLines.push(...lines);
  });
  let stderr = '';
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    if (opts.keepLog) log += chunk.toString('utf8');
  });
  const url = `${opts.tls ? 'https' : 'http'}://${host}`;
  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    if (issuer) await new Promise<void>((r) => issuer!.server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, () => stderr, caCertificate);
  } catch (error) {
    await cleanup();
    throw error;
  }
  /** Log lines trail the answers by a little: waits until the count has stopped moving. */
  const settle = async (): Promise<number> => {
    let last = -1;
    while (last !== counter.lines) {
      last = counter.lines;
      await new Promise((r) => setTimeout(r, 50));
    }
    return counter.lines;
  };
  let stopped: Promise<void> | undefined;
  return {
    url,
    host,
    caCertificate,
    rootDir: join(dir, 'data'),
    credentials,
    tokenIssuer: issuer ? { url: issuer.url, requests: issuer.requests } : undefined,
    get requestCount() {
      return counter.lines;
    },
    settleRequestCount: settle,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    log: () => log,
    accessLog: () => [...accessLines],
    resetRequestCount: async () => {
      await settle();
      counter.lines = 0;
      accessLines = [];
    },
    stop: () => (stopped ??= cleanup()),
  };
}

/**
 * Points many tags at a manifest already pushed to `repo`, by writing the registry's filesystem
 * layout directly (tags/<tag>/current/link and the index link): thousands of tags in well under a
 * second, where as many PUTs would take half a minute. docker-registry reads tags from disk on
 * every request, so it serves them at once.
 */
export function writeTagsDirectly(registry: RunningRegistry, repo: string, tags: readonly string[], digest: string): void {
  const [algorithm, hex] = digest.split(':') as [string, string];
  const base = join(registry.rootDir, 'docker/registry/v2/repositories', repo, '_manifests/tags');
  for (const tag of tags) {
    const current = join(base, tag, 'current');
    const index = join(base, tag, 'index', algorithm, hex);
    mkdirSync(current, { recursive: true });
    mkdirSync(index, { recursive: true });
    writeFileSync(join(current, 'link'), digest);
    writeFileSync(join(index, 'link'), digest);
  }
}
