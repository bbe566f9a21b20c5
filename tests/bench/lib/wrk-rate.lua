-- wrk at a fixed request rate: the one thread keeps a schedule of send times, one every
-- 1/rate s, and each connection, before each request, waits for the next free slot (wrk's
-- delay()). A connection whose answer comes late sends at once, so the rate holds while the
-- server keeps up; the latencies are wrk's own, from each send to its answer. The rate (requests
-- per second, across all connections) is the first argument after `--`.
local ffi = require('ffi')
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } foyer_timespec;
  int clock_gettime(int clock, foyer_timespec *now);
]]
local now = ffi.new('foyer_timespec')
local CLOCK_MONOTONIC = 1

local function ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now)
  return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
end

local interval
local next_at

init = function(args)
  local rate = tonumber(args[1])
  if not rate or rate <= 0 then error('wrk-rate.lua needs a rate (requests/s) after --') end
  interval = 1000 / rate
end

delay = function()
  local t = ms()
  if next_at == nil or next_at < t - interval then next_at = t end
  next_at = next_at + interval
  local wait = next_at - t
  if wait < 1 then return 0 end
  return math.floor(wait)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_WRK {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
