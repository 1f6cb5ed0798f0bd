import type { Random } from '@flotilla/raft';
import { LevelNodeStore } from '@flotilla/storage';
import { mutualTlsSockets, TcpTransport } from '@flotilla/transport';
import { assembleNode } from './assemble-node.js';
import { clusterIdFor, clusterSeedOf } from './bootstrap.js';
import type { NodeConfig, RunningNode } from './node-config.js';
import { coreLogger } from './node-logger.js';
import type { NodeLogger } from './node-logger.js';

/** Election timeouts are drawn from this; the simulator seeds its own, a real node need not. */
const mathRandom: Random = { int: (bound) => Math.floor(Math.random() * bound) };

/** A node on disk (LevelDB under the data dir) and on the network (TCP between nodes). */
export async function startNode(config: NodeConfig, logger: NodeLogger): Promise<RunningNode> {
  const store = await LevelNodeStore.open(config.dataDir);
  const transport = new TcpTransport({
    self: config.id,
    listen: config.peerListen,
    peers: new Map([...config.peers].filter(([id]) => id !== config.id)),
    clusterSecret: config.clusterSecret,
    clusterId: await clusterIdFor(store, clusterSeedOf(config)),
    logger: coreLogger(logger, { component: 'transport' }),
    ...(config.peerTls === undefined ? {} : { sockets: mutualTlsSockets(config.peerTls) }),
  });
  return assembleNode({ config, logger, store, transport, random: mathRandom });
}
