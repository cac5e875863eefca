import type { IncomingHttpHeaders } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import { Agent, request, stream, type Dispatcher } from 'undici';
import { RegistryTokenSigner, type RegistryTokenSettings, type TargetRegistrySettings } from '@ferry/service-runtime';

/** The subject of the tokens the front signs for its own writes (the target's log names it). */
export const FRONT_SUBJECT = 'ferry-registry-front';

/** Request headers a proxy must not forward (RFC 9110 §7.6.1), and the host, which is the target's own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** The headers of a client's request as the target gets them: unchanged but for the hop-by-hop ones. */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** The headers of a target's answer as the client gets them. */
export function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * The target registry as the front speaks to it: clients' requests forwarded with their own
 * authorization (the token service decides, the target checks), and the front's writes into
 * proxy-cache repositories with tokens it signs itself for exactly that repository.
 */
export class TargetRegistry {
  private readonly agent: Dispatcher;
  private readonly signer: RegistryTokenSigner | null;
  private readonly tokens = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly settings: TargetRegistrySettings,
    tokenSettings: RegistryTokenSettings | undefined,
  ) {
    this.agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, connect: { rejectUnauthorized: settings.verifyTls } });
    this.signer = tokenSettings ? new RegistryTokenSigner(tokenSettings) : null;
  }

  get url(): string {
    return this.settings.registryUrl;
  }

  /** Whether the front may write into proxy-cache repositories (it holds the token signing key). */
  get writable(): boolean {
    return this.signer !== null;
  }

  /** A client's request, as it came. */
  forward(method: string, path: string, headers: Record<string, string | string[]>, body?: Readable): Promise<Dispatcher.ResponseData> {
    return request(`${this.settings.registryUrl}${path}`, {
      method: method as Dispatcher.HttpMethod,
      headers,
      dispatcher: this.agent,
      // Blobs stream through: bigger reads, fewer turns of the event loop per MiB.
      highWaterMark: 1 << 20,
      ...(body && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    });
  }

  /**
   * A client's GET or HEAD, its answer written straight into `open`'s writable (the client's
   * response) by undici as it arrives: no readable in between, no per-chunk JS of the front's.
   * `open` sees the status and headers first and returns null to decline (the answer is dropped):
   * then false, else true once the body is through.
   */
  async streamTo(method: 'GET' | 'HEAD', path: string, headers: Record<string, string | string[]>, open: (answer: { statusCode: number; headers: IncomingHttpHeaders }) => Writable | null): Promise<boolean> {
    let taken = false;
    await stream(
      `${this.settings.registryUrl}${path}`,
      { method, headers, dispatcher: this.agent, highWaterMark: 1 << 20 },
      ({ statusCode, headers: answer }) => {
        const sink = open({ statusCode, headers: answer as IncomingHttpHeaders });
        taken = sink !== null;
        return sink ?? new Writable({ write: (_chunk, _encoding, done) => done() });
      },
    );
    return taken;
  }

  private async authorization(name: string): Promise<Record<string, string>> {
    if (!this.signer) throw new Error('the registry front cannot write to the target: FERRY_TOKEN_SIGNING_KEY and FERRY_TOKEN_SIGNING_CERT are not set');
    const held = this.tokens.get(name);
    if (held && held.until > Date.now()) return { authorization: `Bearer ${held.token}` };
    // `delete` for evictions under the organization's size limit.
    const signed = await this.signer.sign(FRONT_SUBJECT, [{ type: 'repository', name, actions: ['pull', 'push', 'delete'] }]);
    // Renewed well before it expires: a long upload must not outlive its token.
    this.tokens.set(name, { token: signed.token, until: Date.now() + (signed.expiresIn * 1000) / 2 });
    if (this.tokens.size > 10_000) this.tokens.delete(this.tokens.keys().next().value!);
    return { authorization: `Bearer ${signed.token}` };
  }

  /** A request of the front's own, with its own token. */
  async own(method: Dispatcher.HttpMethod, name: string, path: string, options: { headers?: Record<string, string>; body?: Buffer | Readable } = {}): Promise<Dispatcher.ResponseData> {
    const url = path.startsWith('http') ? path : `${this.settings.registryUrl}${path}`;
    return request(url, { method, headers: { ...(await this.authorization(name)), ...options.headers }, dispatcher: this.agent, ...(options.body ? { body: options.body } : {}) });
  }

  async hasManifest(name: string, digest: string): Promise<boolean> {
    const res = await this.own('HEAD', name, `/v2/${name}/manifests/${digest}`, { headers: { accept: '*/*' } });
    await res.body.dump();
    return res.statusCode === 200;
  }

  async hasBlob(name: string, digest: string): Promise<boolean> {
    const res = await this.own('HEAD', name, `/v2/${name}/blobs/${digest}`);
    await res.body.dump();
    return res.statusCode === 200;
  }

  /**
   * Stores a blob as it streams by: one upload session, completed by one PUT that names the
   * digest, which the registry checks before it stores anything (a body that ends early or hashes
   * otherwise is refused whole). A failed upload is cancelled, so nothing of it stays.
   */
  async uploadBlob(name: string, digest: string, size: number, body: Readable): Promise<void> {
    const start = await this.own('POST', name, `/v2/${name}/blobs/uploads/`);
    await start.body.dump();
    if (start.statusCode !== 202) throw new Error(`the target refused an upload to ${name}: ${start.statusCode}`);
    const location = new URL(String(start.headers['location']), this.settings.registryUrl);
    location.searchParams.set('digest', digest);
    try {
      const put = await this.own('PUT', name, location.toString(), {
        headers: { 'content-type': 'application/octet-stream', ...(size >= 0 ? { 'content-length': String(size) } : {}) },
        body,
      });
      const text = await put.body.text();
      if (put.statusCode !== 201) throw new Error(`the target refused ${digest} for ${name}: ${put.statusCode} ${text.slice(0, 200)}`);
    } catch (error) {
      body.destroy();
      location.searchParams.delete('digest');
      await this.own('DELETE', name, location.toString()).then((r) => r.body.dump()).catch(() => undefined);
      throw error;
    }
  }

  async putManifest(name: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const res = await this.own('PUT', name, `/v2/${name}/manifests/${reference}`, { headers: { 'content-type': mediaType }, body: bytes });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`the target refused the manifest ${name}:${reference}: ${res.statusCode} ${text.slice(0, 200)}`);
  }

  /** Deletes a manifest by digest, which takes every tag on it along (an eviction); gone already is as good. */
  async deleteManifest(name: string, digest: string): Promise<void> {
    const res = await this.own('DELETE', name, `/v2/${name}/manifests/${digest}`);
    const text = await res.body.text();
    if (res.statusCode !== 202 && res.statusCode !== 404) throw new Error(`the target refused to delete ${name}@${digest}: ${res.statusCode} ${text.slice(0, 200)} (is storage.delete.enabled set?)`);
  }

  /** Unlinks a blob from the repository (the registry's garbage collection frees its bytes); gone already is as good. */
  async deleteBlob(name: string, digest: string): Promise<void> {
    const res = await this.own('DELETE', name, `/v2/${name}/blobs/${digest}`);
    const text = await res.body.text();
    if (res.statusCode !== 202 && res.statusCode !== 404) throw new Error(`the target refused to delete the blob ${name}@${digest}: ${res.statusCode} ${text.slice(0, 200)}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
