-- wrk: distinct durable check-ins over keep-alive connections. Reads "token venue_code" pairs
-- from $KB_PAIRS (default bench/.work/pairs.txt). Arguments after `--`: one cursor per wrk
-- thread. The pairs are cut into as many slices, thread t walks slice t from its cursor, and
-- done() prints `next_pairs=…`, the cursors for the next run. So no (person, venue) repeats
-- within a run, nor from one run to the next, until a slice wraps round: a repeat within a
-- minute is a duplicate check-in, answered 200 without a write, not a new visit.
-- done() also prints how many answers had each status (a new visit is a 201).
local checkins = {}
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

-- Globals, so that done() can read them from each thread.
slice, first, sent, codes = 0, 0, 0, {}

function init(args)
  for line in io.lines(os.getenv("KB_PAIRS") or "bench/.work/pairs.txt") do
    local token, code = line:match("^(%S+)%s+(%S+)$")
    if token then checkins[#checkins + 1] = { token, code } end
  end
  if #args <= tid then error("give one cursor per wrk thread after --, e.g. -t2 … -- 0 0") end
  slice = math.floor(#checkins / #args)
  first = tonumber(args[tid + 1])
end

function request()
  local p = checkins[tid * slice + (first + sent) % slice + 1]
  sent = sent + 1
  return wrk.format("POST", "/api/v1/checkins",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. p[1] },
    '{"venue_code":"' .. p[2] .. '"}')
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("latency_us p50=%d p99=%d p999=%d\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
  local cursors, statuses = "next_pairs=", {}
  for _, t in ipairs(threads) do
    cursors = cursors .. " " .. (t:get("first") + t:get("sent"))
    for status, n in next, t:get("codes") do statuses[status] = (statuses[status] or 0) + n end
  end
  local line = "statuses"
  for status, n in next, statuses do line = line .. " " .. status .. "=" .. n end
  io.write(line .. "\n", cursors .. "\n")
end
