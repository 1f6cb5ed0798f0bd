import { responseJson } from './http-outcome.js';
import { getPath } from './kv-api.js';

/** One group as `GET /v1/status` shows it (apps/server/src/status-json.ts). */
export interface GroupStatusJson {
  readonly group: number;
  readonly range: { readonly start: string; readonly end: string };
  readonly role: string;
  readonly term: number;
  readonly leader: number;
  readonly commit_index: number;
  readonly applied_index: number;
  /** The log held on the node; entries below first_index were compacted into the snapshot. */
  readonly first_index: number;
  readonly last_index: number;
  readonly snapshot_index: number;
  /** Counted since the node's process started. */
  readonly snapshots_taken: number;
  readonly compactions: number;
  readonly snapshots_installed: number;
  readonly voters: readonly number[];
  readonly learners: readonly number[];
}

export interface NodeStatusJson {
  readonly node: number;
  readonly groups: readonly GroupStatusJson[];
}

const STATUS_TIMEOUT_MS = 2_000;

const isNodeStatus = (value: unknown): value is NodeStatusJson =>
  typeof value === 'object' && value !== null && typeof (value as { node?: unknown }).node === 'number' &&
  Array.isArray((value as { groups?: unknown }).groups);

/** The node's status, or undefined when it does not answer (down, starting, overloaded). */
export const readNodeStatus = async (baseUrl: string): Promise<NodeStatusJson | undefined> => {
  const outcome = await getPath(baseUrl, '/v1/status', STATUS_TIMEOUT_MS);
  if (outcome.kind !== 'response' || outcome.status !== 200) return undefined;
  const body = responseJson(outcome);
  if (!isNodeStatus(body)) throw new Error(`GET /v1/status answered an unexpected shape: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
};

export const groupStatus = (status: NodeStatusJson, group: number): GroupStatusJson | undefined =>
  status.groups.find((candidate) => candidate.group === group);
