-- wrk script for POST /v1/reports: each request a new report with its own
-- Idempotency-Key and a seeded random point over the demo district.
--   wrk -t2 -c128 -d20s -s bench/reports/post.lua http://127.0.0.1:8080 -- TOKEN
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  math.randomseed(id)
  -- args[2]: a prefix of the keys, for several wrk at once with one token
  prefix = string.format("wrk-%s%d-%d-", args[2] or "", os.time(), id)
end

local categories = {"emergency", "utilities", "general", "complex"}

function request()
  counter = counter + 1
  local lon = 113.4976 + math.random() * 0.18
  local lat = 34.6019 + math.random() * 0.168
  local body = string.format('{"lon":%.7f,"lat":%.7f,"category":"%s","title":"wrk %d","description":"bench/reports/post.lua","reporter":{"name":"测试","phone":"13800000000"},"source":"app"}',
    lon, lat, categories[math.random(4)], counter)
  return wrk.format("POST", "/v1/reports", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = prefix .. counter,
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    errors = (errors or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("errors") or 0)
  end
  io.write(string.format("non-201 answers: %d\n", bad))
end
