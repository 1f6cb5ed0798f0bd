import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

// A 3-node cluster on this machine for trying Flotilla out: three child processes of main.js,
// their log lines prefixed with the node id, stopped together by Ctrl-C. Data lives under
// ./data/node<id> of the current directory, so a second run finds the first run's cluster.

const NODE_IDS = [1, 2, 3] as const;
const HOST = '127.0.0.1';
const FIRST_CLIENT_PORT = 7001;
const FIRST_PEER_PORT = 7101;
const READY_POLL_INTERVAL_MS = 250;
const READY_PATIENCE_MS = 60_000;
/** Past this a node that ignores SIGTERM is killed; its own shutdown deadline is shorter. */
const STOP_PATIENCE_MS = 40_000;

const clientUrl = (id: number): string => `http://${HOST}:${FIRST_CLIENT_PORT + id - 1}`;
const peerAddress = (id: number): string => `${HOST}:${FIRST_PEER_PORT + id - 1}`;
const mainScript = fileURLToPath(new URL('./main.js', import.meta.url));

interface RunningChild {
  readonly id: number;
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
}

const prefixLines = (stream: Readable, prefix: string, out: NodeJS.WritableStream): void => {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix}${line}\n`));
};

const startChild = (id: number, onUnexpectedExit: (id: number, code: number | null, signal: string | null) => void): RunningChild => {
  const args = [
    mainScript,
    `--id=${id}`,
    `--listen=${HOST}:${FIRST_CLIENT_PORT + id - 1}`,
    `--peer-listen=${peerAddress(id)}`,
    `--peers=${NODE_IDS.map((peer) => `${peer}=${peerAddress(peer)}`).join(',')}`,
    `--data-dir=./data/node${id}`,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `node${id} | `;
  if (child.stdout !== null) prefixLines(child.stdout, prefix, process.stdout);
  if (child.stderr !== null) prefixLines(child.stderr, prefix, process.stderr);
  const exited = new Promise<void>((resolveExited) => {
    child.once('exit', (code, signal) => {
      onUnexpectedExit(id, code, signal);
      resolveExited();
    });
  });
  return { id, process: child, exited };
};

const isReady = async (id: number): Promise<boolean> => {
  try {
    const response = await fetch(`${clientUrl(id)}/readyz`);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false; // not listening yet
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolveSlept) => setTimeout(resolveSlept, ms));

const curlExamples = (): string => {
  const url = clientUrl(1);
  return [
    '',
    'Flotilla is up: 3 nodes.',
    ...NODE_IDS.map((id) => `  node${id}: ${clientUrl(id)}  (peer ${peerAddress(id)}, data ./data/node${id})`),
    '',
    'Try:',
    `  curl -X PUT --data-binary 'hello' ${url}/v1/kv/greetings/en`,
    `  curl -i ${url}/v1/kv/greetings/en`,
    `  curl -i '${clientUrl(2)}/v1/kv/greetings/en?consistency=stale'`,
    `  curl -i '${clientUrl(3)}/v1/kv/greetings/en?consistency=bounded&max_staleness_ms=500'`,
    `  curl -X PUT --data-binary 'hej' '${url}/v1/kv/greetings/sv?if_revision=0'      # create only`,
    `  curl '${url}/v1/kv?prefix=greetings/&limit=10'`,
    `  curl -X DELETE '${url}/v1/kv/greetings/en?if_revision=<mod_revision>'`,
    `  curl -X POST -H 'Content-Type: application/json' -d '{"command":{"op":"put","key":"a","value":"1"}}' ${url}/propose`,
    `  curl '${url}/read?key=a&linearizable=true'`,
    `  curl ${url}/v1/status`,
    `  curl ${url}/health    ${url}/livez    ${url}/readyz`,
    '',
    'Ctrl-C stops all three nodes.',
    '',
  ].join('\n');
};

const main = async (): Promise<void> => {
  let stopping = false;
  const children = NODE_IDS.map((id) =>
    startChild(id, (exitedId, code, signal) => {
      if (!stopping) {
        process.stderr.write(`node${exitedId} exited on its own (code ${code}, signal ${signal}); the others keep running\n`);
      }
    }),
  );
  const allExited = Promise.all(children.map((child) => child.exited));

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping the nodes...\n');
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
    }
    setTimeout(() => {
      for (const child of children) {
        if (child.process.exitCode === null && child.process.signalCode === null) {
          process.stderr.write(`node${child.id} did not stop within ${STOP_PATIENCE_MS} ms; killing it\n`);
          child.process.kill('SIGKILL');
        }
      }
    }, STOP_PATIENCE_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const readySince = Date.now();
  let announced = false;
  while (!stopping && !announced) {
    const ready = await Promise.all(NODE_IDS.map(isReady));
    if (ready.every(Boolean)) {
      process.stdout.write(curlExamples());
      announced = true;
    } else if (Date.now() - readySince > READY_PATIENCE_MS) {
      const waiting = NODE_IDS.filter((_, index) => !ready[index]).map((id) => `node${id}`);
      process.stderr.write(`still waiting for ${waiting.join(', ')} to be ready after ${READY_PATIENCE_MS} ms; see their logs\n`);
      announced = true;
    } else {
      await sleep(READY_POLL_INTERVAL_MS);
    }
  }

  await allExited;
  process.exitCode = children.every((child) => child.process.exitCode === 0) ? 0 : 1;
};

main().catch((error: unknown) => {
  process.stderr.write(`local cluster failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
