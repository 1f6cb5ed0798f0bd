import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestContext } from 'vitest';
import { LocalCluster } from './local-cluster.js';
import type { ClusterOptions } from './local-cluster.js';

const printOutput = (what: string, cluster: LocalCluster): void => {
  process.stderr.write(`\n${what}: the nodes' output\n${cluster.describe()}\n`);
};

/**
 * Starts a cluster for one test. However the test ends, every node is killed and its data
 * removed; when it fails, each node's output is printed first.
 */
export const startTestCluster = async (context: TestContext, options: ClusterOptions): Promise<LocalCluster> => {
  const cluster = await LocalCluster.create(options);
  // Registered before anything starts, so a cluster that never gets ready is cleaned up too.
  context.onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail') printOutput(task.name, cluster);
    await cluster.destroy();
  });
  await cluster.startAll();
  return cluster;
};

/**
 * One cluster for every test of the calling file (or describe block): started before the
 * first test, destroyed after the last, its output printed after each failed test.
 */
export const useSharedCluster = (options: ClusterOptions): (() => LocalCluster) => {
  let cluster: LocalCluster | undefined;
  beforeAll(async () => {
    cluster = await LocalCluster.create(options);
    try {
      await cluster.startAll();
    } catch (error) {
      printOutput('starting the shared cluster', cluster);
      throw error;
    }
  });
  afterEach(({ task }) => {
    if (task.result?.state === 'fail' && cluster !== undefined) printOutput(task.name, cluster);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });
  return () => {
    if (cluster === undefined) throw new Error('the shared cluster is used before beforeAll started it');
    return cluster;
  };
};
