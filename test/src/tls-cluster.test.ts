import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_SERVER_MAIN, flotillaNodeArgs, freeLoopbackPorts, LaunchedProcess, loopbackNodes } from '@flotilla/server/launcher';
import { makeTestPki } from '@flotilla/transport/testing';

const CLUSTER_SECRET = 'flotilla-tls-cluster-test-secret';
const READY_PATIENCE_MS = 60_000;

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request that trusts only the cluster's CA. */
const httpsCall = (url: string, ca: string, method = 'GET', body?: string): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const call = request(url, { method, ca, timeout: 5_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    call.on('timeout', () => call.destroy(new Error(`${url} timed out`)));
    call.on('error', reject);
    call.end(body);
  });

describe('a cluster with TLS: HTTPS for clients, mutual TLS between peers', () => {
  const pki = makeTestPki();
  const baseDir = mkdtempSync(join(tmpdir(), 'flotilla-tls-'));
  const processes: LaunchedProcess[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    const files = { cert: join(baseDir, 'member.crt'), key: join(baseDir, 'member.key'), ca: join(baseDir, 'ca.crt') };
    for (const [name, path] of Object.entries(files)) writeFileSync(path, pki.member[name as keyof typeof files]);
    const nodes = loopbackNodes(await freeLoopbackPorts(6), (id) => join(baseDir, `node${id}`));
    urls = nodes.map((node) => `https://127.0.0.1:${node.clientPort}`);
    for (const node of nodes) {
      processes.push(
        LaunchedProcess.launch({
          command: process.execPath,
          args: [BUILT_SERVER_MAIN, ...flotillaNodeArgs(node, nodes, { shards: 2, logLevel: 'warn' }), `--cert=${files.cert}`, `--key=${files.key}`, `--ca=${files.ca}`],
          env: { FLOTILLA_CLUSTER_SECRET: CLUSTER_SECRET },
          output: { file: join(baseDir, `node${node.id}.log`) },
        }),
      );
    }
    const deadline = Date.now() + READY_PATIENCE_MS;
    for (const url of urls) {
      for (;;) {
        const ready = await httpsCall(`${url}/readyz`, pki.member.ca).catch(() => undefined);
        if (ready?.status === 200) break;
        if (Date.now() > deadline) throw new Error(`${url} not ready: ${processes.map((p) => p.logExcerpt()).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }, READY_PATIENCE_MS + 10_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGTERM', 20_000)));
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('writes through one node and reads linearizably through another, over HTTPS and mutual TLS', async () => {
    const put = await httpsCall(`${urls[0]}/v1/kv/tls/greeting`, pki.member.ca, 'PUT', 'hello over tls');
    expect(put.status).toBe(200);
    for (const url of urls.slice(1)) {
      const read = await httpsCall(`${url}/v1/kv/tls/greeting`, pki.member.ca);
      expect(read).toEqual({ status: 200, body: 'hello over tls' });
    }
  });

  it('speaks no plain HTTP on the client port, and is refused by a client that does not trust its CA', async () => {
    const plain = await fetch(urls[0]!.replace('https:', 'http:') + '/readyz').then(
      (response) => `answered ${response.status}`,
      (error: unknown) => `failed: ${String(error)}`,
    );
    expect(plain).toMatch(/^failed/);
    await expect(httpsCall(`${urls[0]}/readyz`, pki.stranger.ca)).rejects.toThrow(/certificate|self.signed|unable to verify/i);
  });
});
