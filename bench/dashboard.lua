-- wrk: officials opening dashboard pages (GET /api/v1/dashboard, 14 days) of the country, of
-- provinces and of wards in turn. $KB_TOKEN signs in a national official; $KB_AREAS lists the
-- areas (comma-separated; '*' is the country). done() prints latency percentiles (µs) and the
-- answers' statuses.
local counter = 0
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "tally.lua")
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  tally_thread(thread)
end

sent = 0
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
