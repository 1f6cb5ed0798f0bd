import type { Committed, KeyValue, KvResult } from '@flotilla/multiraft';
import { bytesToJsonField } from './bytes-json.js';

/** A stored key in the wire form of scans and `/read`. */
export const keyValueJson = (kv: KeyValue) => ({
  ...bytesToJsonField('key', kv.key),
  ...bytesToJsonField('value', kv.value),
  create_revision: kv.createRevision,
  mod_revision: kv.modRevision,
  version: kv.version,
});

export const kvResultJson = (result: KvResult) => {
  if (!result.succeeded) {
    return { op: result.op, succeeded: false, current_revision: result.currentRevision };
  }
  if (result.op === 'delete') {
    return { op: result.op, succeeded: true, deleted: result.deleted, revision: result.revision };
  }
  return {
    op: result.op,
    succeeded: true,
    revision: result.revision,
    create_revision: result.createRevision,
    mod_revision: result.modRevision,
    version: result.version,
  };
};

export const committedJson = (committed: Committed) => ({
  group: committed.group,
  log_index: committed.logIndex,
  term: committed.term,
  result: kvResultJson(committed.result),
});
