-- wrk: one citizen reading their inbox (GET /api/v1/me/inbox, the first 20 items) over and over.
-- $KB_TOKEN signs the citizen in. done() prints latency percentiles (µs) and the answers' statuses.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "tally.lua")
function setup(thread)
  tally_thread(thread)
end

local headers

function init(args)
  headers = { ["Authorization"] = "Bearer " .. os.getenv("KB_TOKEN") }
end

function request()
  return wrk.format("GET", "/api/v1/me/inbox", headers)
end
