-- wrk script for `bench:compare --generator wrk`: puts or gets of fixed-size keys against
-- Flotilla's HTTP API or etcd's v3 JSON gateway, with the connections spread evenly over the
-- members (thread i talks to member i mod n). Configured by environment variables (wrk's
-- setup() runs before init() and sees no script arguments):
--   WRK_TARGET flotilla|etcd, WRK_OP put|get, WRK_MEMBERS host:port,host:port,...
--   WRK_KEY_SPACE N, WRK_KEY_BYTES N, WRK_VALUE_BYTES N, WRK_SEED N
-- done() prints one JSON line that the bench parses: counts, latency percentiles, statuses,
-- and this process's CPU time, so the generator's own cost is reported with every run.

local target = os.getenv("WRK_TARGET")
local op = os.getenv("WRK_OP")
local keySpace = tonumber(os.getenv("WRK_KEY_SPACE"))
local keyBytes = tonumber(os.getenv("WRK_KEY_BYTES"))
local valueBytes = tonumber(os.getenv("WRK_VALUE_BYTES"))
local seed = tonumber(os.getenv("WRK_SEED"))

local members = {}
for member in string.gmatch(os.getenv("WRK_MEMBERS"), "[^,]+") do
  local host, port = string.match(member, "^(.+):(%d+)$")
  table.insert(members, { host = host, port = port })
end

local threads = {}

function setup(thread)
  local index = #threads
  local member = members[(index % #members) + 1]
  thread.addr = wrk.lookup(member.host, member.port)[1]
  thread:set("threadIndex", index)
  table.insert(threads, thread)
end

local alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(text)
  local out = {}
  for i = 1, #text, 3 do
    local a, b, c = string.byte(text, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = string.sub(b64chars, c1 + 1, c1 + 1) .. string.sub(b64chars, c2 + 1, c2 + 1)
      .. (b and string.sub(b64chars, c3 + 1, c3 + 1) or "=") .. (c and string.sub(b64chars, c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

-- The same key format as the bench's own generator: 'k' and the zero-padded key number.
local function formatKey(number)
  local digits = tostring(number)
  return "k" .. string.rep("0", keyBytes - 1 - #digits) .. digits
end

local value
local valueBase64
-- Global, so that done() can read each thread's table with thread:get.
statusCounts = {}
local jsonHeaders = { ["Content-Type"] = "application/json" }

function init(args)
  -- Distinct seeds per thread, so no two threads send the same key sequence.
  math.randomseed(seed * 1000 + threadIndex)
  local chars = {}
  for i = 1, valueBytes do
    local at = ((i - 1) % #alphabet) + 1
    chars[i] = string.sub(alphabet, at, at)
  end
  value = table.concat(chars)
  valueBase64 = base64(value)
end

function request()
  local key = formatKey(math.random(0, keySpace - 1))
  if target == "flotilla" then
    if op == "put" then return wrk.format("PUT", "/v1/kv/" .. key, nil, value) end
    return wrk.format("GET", "/v1/kv/" .. key)
  end
  if op == "put" then
    return wrk.format("POST", "/v3/kv/put", jsonHeaders, '{"key":"' .. base64(key) .. '","value":"' .. valueBase64 .. '"}')
  end
  return wrk.format("POST", "/v3/kv/range", jsonHeaders, '{"key":"' .. base64(key) .. '"}')
end

function response(status, headers, body)
  statusCounts[status] = (statusCounts[status] or 0) + 1
  -- etcd answers a range that found nothing with 200 and no "kvs": count it apart.
  if target == "etcd" and op == "get" and status == 200 and not string.find(body, '"kvs"', 1, true) then
    statusCounts["notFound"] = (statusCounts["notFound"] or 0) + 1
  end
end

local function cpuTicks()
  local file = io.open("/proc/self/stat", "r")
  if file == nil then return -1 end
  local stat = file:read("*a")
  file:close()
  local fields = {}
  for field in string.gmatch(string.match(stat, "%) (.*)$"), "%S+") do fields[#fields + 1] = field end
  -- After the command name: state is field 1, utime field 12, stime field 13.
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statusCounts")
    for status, count in pairs(counts) do merged[tostring(status)] = (merged[tostring(status)] or 0) + count end
  end
  local statusParts = {}
  for status, count in pairs(merged) do statusParts[#statusParts + 1] = string.format('"%s":%d', status, count) end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"min":%d,"mean":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},"statuses":{%s},"cpuTicks":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, table.concat(statusParts, ","), cpuTicks()))
end
