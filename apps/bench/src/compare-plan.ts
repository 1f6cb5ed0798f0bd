// The systems compare sets side by side, and how each is started; found before anything
// starts, so a missing binary is reported up front rather than halfway through a run.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILT_SERVER_MAIN } from '@flotilla/server/launcher';
import type { CompareOptions } from './compare-args.js';
import { startEtcdCluster, startFlotillaCluster } from './compare-clusters.js';
import { findOnPath } from './find-on-path.js';
import type { TargetKind } from './load-spec.js';
import type { RunningCluster } from './local-cluster.js';
import { UsageError } from './usage-error.js';

export const BASELINE_ID = 'etcd';

export interface SystemPlan {
  readonly id: string;
  readonly label: string;
  readonly kind: TargetKind;
  /** Why it cannot run, found before anything starts. */
  readonly unavailable: string | undefined;
  readonly start: (baseDir: string) => Promise<RunningCluster>;
}

export function planSystems(options: CompareOptions): SystemPlan[] {
  const plans: SystemPlan[] = [];
  if (options.only !== 'flotilla') {
    const etcdPath = options.etcdPath ?? findOnPath('etcd');
    if (options.only === 'etcd' && etcdPath === undefined) throw new UsageError('--only etcd, but there is no etcd on PATH (or give --etcd PATH)');
    plans.push({
      id: BASELINE_ID,
      label: 'etcd',
      kind: 'etcd',
      unavailable: etcdPath === undefined ? 'no etcd on PATH' : undefined,
      start: (baseDir) => startEtcdCluster(baseDir, etcdPath ?? 'etcd'),
    });
  }
  if (options.only !== 'etcd') {
    const serverMain = resolve(options.serverMain ?? BUILT_SERVER_MAIN);
    for (const shards of options.shardCounts) {
      plans.push({
        id: `flotilla-${shards}`,
        label: `F×${shards}`,
        kind: 'flotilla',
        unavailable: existsSync(serverMain) ? undefined : `${serverMain} not found (build apps/server first)`,
        start: (baseDir) => startFlotillaCluster(baseDir, serverMain, shards),
      });
    }
  }
  return plans;
}
