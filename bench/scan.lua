-- wrk: a venue's staff scanning CCCD chip cards (POST /api/v1/scans). $KB_TOKEN signs in a
-- manager of the venues $KB_VENUES (ids, comma-separated). Without $KB_KNOWN each card is one
-- the door has not seen (matching looks it up, scores candidates by folded name and birth date,
-- records the person and the visit); with KB_KNOWN=N the cards are the first N again, moving
-- to the next venue each time they wrap (a card seen twice at one venue within a minute is a
-- duplicate, not a visit). done() prints latency percentiles and the answers' statuses.
local counter = 0
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "tally.lua")
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  tally_thread(thread)
end

sent = 0
local token, venues, known
local family = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng" }
local middle = { "Văn", "Thị", "Minh", "Hữu", "Ngọc" }
local given = { "An", "Bình", "Chi", "Dũng", "Hà", "Khoa", "Lan", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Vy" }

function init(args)
  token = os.getenv("KB_TOKEN")
  venues = {}
  for v in string.gmatch(os.getenv("KB_VENUES"), "%d+") do venues[#venues + 1] = v end
  known = tonumber(os.getenv("KB_KNOWN") or "0")
end

function request()
  local n = tid * 1000000 + sent
  local venue = venues[1]
  if known > 0 then
    n = sent % known
    venue = venues[math.floor(sent / known) % #venues + 1]
  end
  sent = sent + 1
  -- Birth dates over 70 years and 560 names: a name and birth date repeat rarely, as in a town.
  local h = (n * 2654435761) % 4294967296
  local year, day = 1940 + h % 60, 1 + math.floor(h / 60) % 28
  local month = 1 + math.floor(h / 1960) % 12
  local card = string.format("0790%02d%06d||%s %s %s|%02d%02d%d|Nam|12 Lê Lợi, TP HCM|01012022",
    year % 100, n % 1000000, family[math.floor(h / 23520) % #family + 1], middle[math.floor(h / 188160) % #middle + 1],
    given[math.floor(h / 940800) % #given + 1], day, month, year)
  return wrk.format("POST", "/api/v1/scans",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    '{"venue_id":' .. venue .. ',"payload":"' .. card .. '"}')
end
