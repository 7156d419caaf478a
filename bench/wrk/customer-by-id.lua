-- GET /api/v1/customers/{id} for a random id per request.
--
-- Environment (set by bench/api):
--   BENCH_IDS    file with one customer id (lowercase UUID) per line
--   BENCH_TOKEN  API token, sent as "Authorization: Bearer <token>"
--
-- Every wrk thread has its own Lua state, so each one loads the ids and seeds its own generator.

local ids = {}
local headers = {}

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

function init(args)
    local path = os.getenv("BENCH_IDS")
    local token = os.getenv("BENCH_TOKEN")
    if not path or not token then
        error("customer-by-id.lua needs BENCH_IDS and BENCH_TOKEN in the environment")
    end
    for line in io.lines(path) do
        if #line > 0 then ids[#ids + 1] = line end
    end
    if #ids == 0 then error("no ids in " .. path) end
    headers["Authorization"] = "Bearer " .. token
    headers["Accept"] = "application/json"
    math.randomseed(os.time() * 1000 + (thread_number or 0))
    -- The first values after seeding are poorly mixed in some Lua versions.
    for _ = 1, 10 do math.random() end
end

function request()
    return wrk.format("GET", "/api/v1/customers/" .. ids[math.random(#ids)], headers)
end
