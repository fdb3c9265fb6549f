-- wrk: one citizen reading their inbox (GET /api/v1/me/inbox, the first 20 items) over and over.
-- $KB_TOKEN signs the citizen in. done() prints latency percentiles (µs) and the answers' statuses.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

codes = {}
local headers

function init(args)
  headers = { ["Authorization"] = "Bearer " .. os.getenv("KB_TOKEN") }
end

function request()
  return wrk.format("GET", "/api/v1/me/inbox", headers)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local statuses = {}
  for _, t in ipairs(threads) do
    for status, n in next, t:get("codes") do statuses[status] = (statuses[status] or 0) + n end
  end
  local s = ""
  for status, n in pairs(statuses) do s = s .. " " .. status .. "=" .. n end
  io.write(string.format("result requests=%d rps=%.1f p50=%d p99=%d p999=%d statuses=%s\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(99), latency:percentile(99.9), s))
end
