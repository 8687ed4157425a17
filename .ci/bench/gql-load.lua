-- wrk script for GraphQL-over-HTTP POST load that checks every response body.
--
-- Rapport's copy of shared/bench/gql-load.lua. The one change: if the environment variable
-- GQL_HEADER is set to "Name: value", init() adds that header to every request (compare.sh sets it
-- from --header-a/--header-b, e.g. "Authorization: Bearer <api key>"). Otherwise as in shared/bench.
--
--   wrk -t2 -c64 -d15s --timeout 5s -s gql-load.lua http://127.0.0.1:PORT/graphql -- BODY.json [ID_MAX]
--
-- BODY.json is sent as the POST body. Every "__ID__" in it is replaced, per request, by a random
-- integer in [1, ID_MAX]; ID_MAX is the second script argument, else the ID_MAX environment
-- variable, else 100000. Put it in quotes in the body ("__ID__") when the GraphQL type is BigInt or
-- ID, which travel as JSON strings.
--
-- A response is bad unless it has status 200, a "data" key and no "errors" key: GraphQL servers
-- often answer 200 with {"errors": [...]}, so status codes alone prove nothing.
-- done() prints one line:
--   RESULT rps=.. p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. requests=.. bad=.. bad_status=.. sockerr=..
-- (bad counts all bad responses, bad_status those that were not 200) and, if any were bad, one
-- example body on a "BAD_SAMPLE" line.

local threads, counter = {}, 0

function setup(thread)
  -- Each thread gets its own seed so the threads do not send the same id sequence.
  counter = counter + 1
  thread:set("seed", counter * 7919 + os.time())
  table.insert(threads, thread)
end

function init(args)
  assert(args[1], "usage: -s gql-load.lua URL -- BODY.json [ID_MAX]")
  local f = assert(io.open(args[1], "r"))
  template = f:read("*a"):gsub("%s+$", "")
  f:close()
  id_max = tonumber(args[2] or os.getenv("ID_MAX") or "100000")
  assert(id_max and id_max >= 1, "ID_MAX must be a positive integer")
  has_id = template:find("__ID__", 1, true) ~= nil
  math.randomseed(seed)
  bad, bad_status, sample = 0, 0, ""
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  local extra = os.getenv("GQL_HEADER")
  if extra and extra ~= "" then
    local name, value = extra:match("^%s*([%w-]+)%s*:%s*(.-)%s*$")
    assert(name and value ~= "", "GQL_HEADER must look like 'Name: value'")
    wrk.headers[name] = value
  end
  wrk.body = template
end

function request()
  if has_id then
    local body = template:gsub("__ID__", tostring(math.random(1, id_max)))
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format()
end

function response(status, headers, body)
  -- Key patterns: a quote, the name, a quote, optional spaces, a colon. Inside a JSON string value
  -- the quotes would be escaped (\"errors\":), so these match keys only.
  local ok = status == 200 and body:find('"data"%s*:') ~= nil and body:find('"errors"%s*:') == nil
  if not ok then
    bad = bad + 1
    if status ~= 200 then bad_status = bad_status + 1 end
    if sample == "" then sample = "status " .. status .. ": " .. body:sub(1, 300):gsub("%s+", " ") end
  end
end

function done(summary, latency, requests)
  local nbad, nbad_status, example = 0, 0, ""
  for _, t in ipairs(threads) do
    nbad = nbad + t:get("bad")
    nbad_status = nbad_status + t:get("bad_status")
    if example == "" then example = t:get("sample") end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d bad=%d bad_status=%d sockerr=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, nbad, nbad_status,
    e.connect + e.read + e.write + e.timeout))
  if example ~= "" then io.write("BAD_SAMPLE " .. example .. "\n") end
end
