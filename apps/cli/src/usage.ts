import { DEFAULT_ENDPOINTS, ENDPOINTS_ENV } from './command-line.js';

export const USAGE = `Usage: flotilla [global flags] COMMAND [args] [flags]

Commands:
  put KEY [VALUE]        write KEY (VALUE from standard input when omitted)
    --if-revision N        only if KEY's mod revision is N (0: only if absent)
  get KEY                read KEY
    --consistency C        linearizable (default) | bounded | stale
    --max-staleness-ms N   with bounded: how old the answer may be
    --print-value-only     print the raw value alone
  del KEY                delete KEY
    --if-revision N        only if KEY's mod revision is N
  scan [PREFIX]          keys starting with PREFIX, sorted (none: every key)
    --limit N              at most N keys (default 100, at most 10000)
    --consistency C, --max-staleness-ms N   as for get
    --keys-only            print the keys alone
  status                 every endpoint's shards: role, term, leader, indexes
  endpoint health        whether each endpoint is healthy (shards have leaders)

Global flags:
  --endpoints LIST       comma-separated host:port or http://host:port; default
                         $${ENDPOINTS_ENV}, else
                         ${DEFAULT_ENDPOINTS}
  -w, --write-out F      table (default) | json
  --command-timeout D    the command's deadline, retries included: 500ms, 5s,
                         1m (default 5s)
  -h, --help             print this

Exit codes:
  0 ok                   1 error                2 bad command line
  3 key not found (get, del)                    4 compare failed (--if-revision)
  5 unknown outcome: the write may or may not have happened
`;
