-- Shared by the benchmark's wrk scripts: the SDK's event (bench/payload/sdk-event.json) with
-- fresh UUIDv7 ids and current times in every request, counting of answers by status (wrk
-- itself only counts "non-2xx"), and one machine-readable result line that bench/Mentiora.Bench parses.
-- Each wrk thread runs its own copy of this file.
--
-- The load generator shares two cores with the server it measures, so every cycle it spends is
-- taken from the server. Building each body out of Lua strings made wrk, not the server, the
-- bottleneck of the batch runs (a fresh 1 MB string costs ~4 ms on a machine where touching a
-- new page is slow). So the whole HTTP request is laid out once per thread, and each request
-- only overwrites the bytes of its ids and times, which all have a fixed width, in place.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *tp);
]]
local CLOCK_REALTIME = 0
local now_ts = ffi.new("bench_timespec")
local copy = ffi.copy
local random, format, floor = math.random, string.format, math.floor

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local bench = {}

-- Wall-clock milliseconds: UUIDv7 starts with them, and the event's times are "now".
local function now_ms()
  ffi.C.clock_gettime(CLOCK_REALTIME, now_ts)
  return tonumber(now_ts.tv_sec) * 1000 + floor(tonumber(now_ts.tv_nsec) / 1000000)
end

-- Each thread seeds from the kernel, so that threads (and runs) never share a random stream.
local function seed_from_urandom()
  local f = assert(io.open("/dev/urandom", "rb"))
  local bytes = f:read(6)
  f:close()
  local seed = 0
  for i = 1, #bytes do seed = seed * 256 + bytes:byte(i) end
  math.randomseed(seed)
  -- LuaJIT's generator needs a few draws before seeds that differ little give unrelated values.
  for _ = 1, 16 do random() end
end

-- RFC 9562 UUIDv7: 48-bit Unix milliseconds, version nibble 7, 12 random bits, variant bits 10,
-- 62 random bits. The last 16 bits come from `hex4`: the events of one request share the random
-- part and count up from a random start (RFC 9562's counter method), so that a 1,000-event
-- request needs two random draws, not two thousand. `hex4` is one C array, not 65,536 Lua
-- strings: every Lua object is visited by each garbage collection, and the 1 MB strings of batch
-- requests make collections frequent.
local hex4 = ffi.new("char[?]", 4 * 0x10000 + 1)
for i = 0, 0xffff do copy(hex4 + 4 * i, format("%04x", i), 4) end

-- The first 32 of the 36 characters of a UUIDv7 for the millisecond `ms`.
local function uuid7_base(ms)
  return format("%08x-%04x-7%03x-%04x-%08x", floor(ms / 65536), ms % 65536,
    random(0, 0xfff), 0x8000 + random(0, 0x3fff), random(0, 0xffffffff))
end

local function uuid7(ms)
  return uuid7_base(ms or now_ms()) .. format("%04x", random(0, 0xffff))
end

-- ISO 8601 in UTC with milliseconds (always 24 characters), as the SDKs send start_time and end_time.
local last_second, last_prefix
local function iso8601(ms)
  local second = floor(ms / 1000)
  if second ~= last_second then
    last_second, last_prefix = second, os.date("!%Y-%m-%dT%H:%M:%S", second)
  end
  return format("%s.%03dZ", last_prefix, ms % 1000)
end

-- The payload file, cut at its {{placeholders}}.
local function read_payload(path)
  local f = assert(io.open(path, "rb"), "cannot open the payload " .. path)
  local text = f:read("*a"):gsub("%s+$", "")
  f:close()
  local parts, names, pos = {}, {}, 1
  for s, name, e in text:gmatch("(){{([%w_]+)}}()") do
    parts[#parts + 1] = text:sub(pos, s - 1)
    names[#parts] = name
    pos = e
  end
  parts[#parts + 1] = text:sub(pos)
  return parts, names
end

-- The fields rewritten in every request, and their widths.
local VARYING = { trace_id = 36, span_id = 36, start_time = 24, end_time = 24 }

-- The body for `count` events (an object when 1, else an array), and the byte offset of every
-- varying field in it. `constants` gives placeholders a value that never changes: the thread's
-- conversation id, or the invalid body's trace_id.
local function lay_out(parts, names, count, constants)
  local ms = now_ms()
  local sample = { trace_id = uuid7(ms), span_id = uuid7(ms), start_time = iso8601(ms), end_time = iso8601(ms) }
  for name, width in pairs(VARYING) do
    assert(#sample[name] == width, name .. " is not " .. width .. " characters wide: " .. sample[name])
  end
  local pieces, n, pos = {}, 0, 0
  local offsets = { trace_id = {}, span_id = {}, start_time = {}, end_time = {} }
  local function add(s)
    n = n + 1
    pieces[n] = s
    pos = pos + #s
  end

  if count > 1 then add("[") end
  for i = 1, count do
    if i > 1 then add(",") end
    for j = 1, #parts do
      add(parts[j])
      local name = names[j]
      if name and constants[name] then
        add(constants[name])
      elseif name then
        local list = assert(offsets[name], "the payload names {{" .. name .. "}}, which has no value")
        list[#list + 1] = pos
        add(sample[name])
      end
    end
  end
  if count > 1 then add("]") end

  -- C arrays, for the same reason as hex4. A field made constant has none.
  local packed = {}
  for name, list in pairs(offsets) do
    if #list > 0 then packed[name] = { n = #list, at = ffi.new("int32_t[?]", #list, list) } end
  end
  return table.concat(pieces), packed
end

-- ---- the wrk callbacks ------------------------------------------------------------------------

-- Counters live in each thread's Lua state; done() collects them through the thread objects.
sent, s202, s400, s401, s413, s503, sother = 0, 0, 0, 0, 0, 0, 0

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

-- Defines init() and request() for requests of `options.events` events (default 1), with
-- `options.fixed` placeholders set to constant text.
function bench.install(options)
  local count = options.events or 1
  local text, buffer, body_start, offsets

  function init(args)
    seed_from_urandom()
    local parts, names = read_payload(args[1] or (here .. "../payload/sdk-event.json"))
    local constants = { thread_id = uuid7() } -- one conversation per wrk thread
    for k, v in pairs(options.fixed or {}) do constants[k] = v end
    local body
    body, offsets = lay_out(parts, names, count, constants)

    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    -- The request string is rewritten in place through a pointer to its bytes, which LuaJIT's
    -- FFI hands out for any string. That is sound here because no other code holds or compares
    -- this string (its random ids make it unique), it stays referenced by `text`, and wrk copies
    -- the bytes into its own buffer before calling request() again.
    text = wrk.format(nil, nil, nil, body)
    body_start = #text - #body
    buffer = ffi.cast("uint8_t *", text)
  end

  function request()
    sent = sent + 1
    local ms = now_ms()
    local trace_base, span_base = uuid7_base(ms), uuid7_base(ms)
    local trace_next, span_next = random(0, 0xffff), random(0, 0xffff)
    local start_time, end_time = iso8601(ms - 1250), iso8601(ms)
    local body = buffer + body_start
    local field = offsets.trace_id
    if field then
      for i = 0, field.n - 1 do
        local at = field.at[i]
        copy(body + at, trace_base, 32)
        copy(body + at + 32, hex4 + 4 * ((trace_next + i) % 0x10000), 4)
      end
    end
    field = offsets.span_id
    if field then
      for i = 0, field.n - 1 do
        local at = field.at[i]
        copy(body + at, span_base, 32)
        copy(body + at + 32, hex4 + 4 * ((span_next + i) % 0x10000), 4)
      end
    end
    field = offsets.start_time
    if field then
      for i = 0, field.n - 1 do copy(body + field.at[i], start_time, 24) end
    end
    field = offsets.end_time
    if field then
      for i = 0, field.n - 1 do copy(body + field.at[i], end_time, 24) end
    end
    return text
  end
end

function response(status, headers, body)
  if status == 202 then s202 = s202 + 1
  elseif status == 400 then s400 = s400 + 1
  elseif status == 401 then s401 = s401 + 1
  elseif status == 413 then s413 = s413 + 1
  elseif status == 503 then s503 = s503 + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local totals = { sent = 0, s202 = 0, s400 = 0, s401 = 0, s413 = 0, s503 = 0, sother = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  local e = summary.errors
  -- One line, key=value, for bench/Mentiora.Bench; latencies in microseconds.
  io.write(format(
    "BENCH duration_us=%d completed=%d sent=%d s202=%d s400=%d s401=%d s413=%d s503=%d sother=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    summary.duration, summary.requests, totals.sent, totals.s202, totals.s400, totals.s401, totals.s413,
    totals.s503, totals.sother, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end

return bench
