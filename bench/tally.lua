-- wrk: what khaibao's request scripts share. Each wrk thread counts its answers by status
-- (response); the script's setup() calls tally_thread(thread) for every thread; done() prints
-- one line that the benchmarks parse:
--   result requests=N rps=R p50=µs p99=µs p999=µs statuses= 200=N …
-- Loaded with dofile() from the directory of the script that uses it.
local threads = {}
function tally_thread(thread)
  threads[#threads + 1] = thread
end

codes = {}

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
