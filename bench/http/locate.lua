-- wrk script: GET /v1/locate at seeded pseudo-random points over the demo
-- district's bounding box (二七区, WGS-84), one new point per request.
local minLon, minLat, maxLon, maxLat = 113.50, 34.58, 113.72, 34.77
local paths = {}
math.randomseed(410103)
for i = 1, 10000 do
  local lon = minLon + (maxLon - minLon) * math.random()
  local lat = minLat + (maxLat - minLat) * math.random()
  paths[i] = string.format("/v1/locate?lon=%.6f&lat=%.6f", lon, lat)
end
local n = 0
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
