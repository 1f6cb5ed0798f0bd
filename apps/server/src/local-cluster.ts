import { loadOrCreateClusterSecret } from './launcher/cluster-secret-file.js';
import { flotillaMembers, loopbackNodes, peerAddressOf } from './launcher/flotilla-nodes.js';
import type { FlotillaMember } from './launcher/flotilla-nodes.js';
import { describeExit } from './launcher/launched-process.js';
import { ProcessCluster } from './launcher/process-cluster.js';

// A 3-node cluster on this machine for trying Flotilla out: three child processes of main.js,
// their log lines prefixed with the node id, stopped together by Ctrl-C. Data lives under
// ./data/node<id> of the current directory, so a second run finds the first run's cluster, and
// the cluster secret in ./data/cluster-secret, made on the first run.

/** Client ports 7001-7003 and peer ports 7101-7103, the ones the examples below use. */
const PORTS = [7001, 7101, 7002, 7102, 7003, 7103];
const READY_PATIENCE_MS = 60_000;
/** Past this a node that ignores SIGTERM is killed; its own shutdown deadline is shorter. */
const STOP_PATIENCE_MS = 40_000;

const nodes = loopbackNodes(PORTS, (id) => `./data/node${id}`);
const members = flotillaMembers({
  nodes,
  clusterSecret: loadOrCreateClusterSecret('./data/cluster-secret'),
  outputOf: (node) => ({
    onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`node${node.id} | ${line}\n`),
  }),
});

const curlExamples = (): string => {
  const url = members[0]?.clientUrl;
  return [
    '',
    'Flotilla is up: 3 nodes.',
    ...members.map(({ node, clientUrl }) => `  node${node.id}: ${clientUrl}  (peer ${peerAddressOf(node)}, data ${node.dataDir})`),
    '',
    'Try:',
    `  curl -X PUT --data-binary 'hello' ${url}/v1/kv/greetings/en`,
    `  curl -i ${url}/v1/kv/greetings/en`,
    `  curl -i '${members[1]?.clientUrl}/v1/kv/greetings/en?consistency=stale'`,
    `  curl -i '${members[2]?.clientUrl}/v1/kv/greetings/en?consistency=bounded&max_staleness_ms=500'`,
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
  const cluster = new ProcessCluster<FlotillaMember>(members);
  let stopping = false;
  cluster.startAll();
  const allExited = Promise.all(
    members.map(async ({ id, name }) => {
      const exit = await cluster.process(id)?.exited;
      if (!stopping && exit !== undefined) process.stderr.write(`${name} exited on its own (${describeExit(exit)}); the others keep running\n`);
      return exit;
    }),
  );

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping the nodes...\n');
    void cluster.stopAll('SIGTERM', STOP_PATIENCE_MS);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await cluster.waitReady(cluster.runningIds(), READY_PATIENCE_MS);
    if (!stopping) process.stdout.write(curlExamples());
  } catch (error) {
    if (!stopping) process.stderr.write(`${error instanceof Error ? error.message : String(error)}; see the nodes' logs\n`);
  }

  const exits = await allExited;
  process.exitCode = exits.every((exit) => exit?.code === 0) ? 0 : 1;
};

main().catch((error: unknown) => {
  process.stderr.write(`local cluster failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
