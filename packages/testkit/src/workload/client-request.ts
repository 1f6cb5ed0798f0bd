import type { NodeId } from '@flotilla/raft';
import type { KvWrite } from '../statemachine/kv-command.js';

/** A write goes through the log; a read through ReadIndex. (client, seq) names it everywhere. */
export type ClientRequest =
  | { readonly kind: 'write'; readonly client: number; readonly seq: number; readonly write: KvWrite }
  | { readonly kind: 'read'; readonly client: number; readonly seq: number; readonly key: string };

/** A refusal means the request was never proposed: it cannot take effect. */
export type SubmitResult = { readonly accepted: true } | { readonly accepted: false; readonly leaderHint: NodeId | undefined };

/** The cluster as clients see it. */
export interface RequestTarget {
  /** Nodes a client can reach now. */
  reachableNodes(): readonly NodeId[];
  submit(node: NodeId, request: ClientRequest): SubmitResult;
}
