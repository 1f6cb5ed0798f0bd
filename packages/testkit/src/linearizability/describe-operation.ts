import type { KvOperation } from './operation.js';

const quoted = (value: string | undefined): string => (value === undefined ? 'absent' : JSON.stringify(value));

/** One line for a person reading a failure: what the operation did, who did it, and when. */
export function describeOperation(operation: KvOperation): string {
  const outcomeKnown = operation.status === 'ok';
  let action: string;
  switch (operation.op) {
    case 'get':
      action = outcomeKnown ? `get → ${quoted(operation.found === true ? operation.got : undefined)}` : 'get';
      break;
    case 'put':
      action = `put ${quoted(operation.value)}`;
      break;
    case 'cas':
      action = `cas ${quoted(operation.expect)} → ${quoted(operation.value)}`;
      if (outcomeKnown) action += operation.swapped === true ? ' (swapped)' : ' (not swapped)';
      break;
    case 'delete':
      action = 'delete';
      if (operation.deleted !== undefined) action += operation.deleted ? ' (was present)' : ' (was absent)';
      break;
  }
  const timing = operation.ret === null ? `called at ${operation.call}, outcome unknown` : `called at ${operation.call}, returned at ${operation.ret}`;
  return `client ${operation.client} ${action}, ${timing}`;
}
