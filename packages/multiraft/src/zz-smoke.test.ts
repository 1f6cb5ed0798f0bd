import { describe, expect, it } from 'vitest';
import { InMemoryCluster, bytes } from './testing/in-memory-cluster.js';

describe('smoke', () => {
  it('starts', async () => {
    const t0 = Date.now();
    const cluster = await InMemoryCluster.start({ shards: 4, seed: 1 });
    console.log('ready in', Date.now() - t0);
    for (const id of cluster.ids) console.log(JSON.stringify(cluster.node(id).service.status().groups.map((g) => [g.group, g.role, g.leader, g.term, g.commitIndex, g.appliedIndex, g.quiesced])));
    const c = await cluster.node(cluster.ids[0]!).service.execute({ op: 'put', key: bytes('a'), value: bytes('1') });
    console.log(c);
    const t1 = Date.now();
    await cluster.close();
    console.log('closed in', Date.now() - t1);
    expect(c.result.succeeded).toBe(true);
  });
});
