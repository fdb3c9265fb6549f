-- wrk: distinct durable check-ins over keep-alive connections. Reads "token venue_code" pairs
-- from bench/.work/pairs.txt; each thread walks its own slice so no (person, venue) repeats
-- within the run (a repeat inside a minute would be a cheap duplicate, not a new visit).
local pairs = {}
local counter = 0
local offset = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(os.getenv("KB_PAIRS") or "bench/.work/pairs.txt") do
    local token, code = line:match("^(%S+)%s+(%S+)$")
    if token then pairs[#pairs + 1] = { token, code } end
  end
  offset = tid * 1000003
end

local i = 0
function request()
  i = i + 1
  local p = pairs[((offset + i) % #pairs) + 1]
  return wrk.format("POST", "/api/v1/checkins",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. p[1] },
    '{"venue_code":"' .. p[2] .. '"}')
end

local codes = {}
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("latency_us p50=%d p99=%d p999=%d\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
