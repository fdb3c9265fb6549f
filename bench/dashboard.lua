-- wrk: officials opening dashboard pages (GET /api/v1/dashboard, 14 days) of the country, of
-- provinces and of wards in turn. $KB_TOKEN signs in a national official; $KB_AREAS lists the
-- areas (comma-separated; '*' is the country). done() prints latency percentiles (µs) and the
-- answers' statuses.
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

sent, codes = 0, {}
local token, areas

function init(args)
  token = os.getenv("KB_TOKEN")
  areas = {}
  for a in string.gmatch(os.getenv("KB_AREAS"), "[^,]+") do areas[#areas + 1] = a end
end

function request()
  local area = areas[(tid * 7 + sent) % #areas + 1]
  sent = sent + 1
  return wrk.format("GET", "/api/v1/dashboard?days=14&area=" .. (area == "*" and "%2A" or area),
    { ["Authorization"] = "Bearer " .. token })
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
  io.write(string.format("result requests=%d rps=%.1f p50=%d p99=%d p999=%d statuses=%s\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), s))
end
