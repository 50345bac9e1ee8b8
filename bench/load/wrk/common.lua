-- Shared by the load scripts: read the rows run.py wrote (tab-separated, one member or attempt
-- a line), give each wrk thread its own share, and print the figures as one JSON line.
local M = {}

function M.split(line, sep)
  local fields = {}
  for field in (line .. sep):gmatch("(.-)" .. sep) do fields[#fields + 1] = field end
  return fields
end

-- Rows of the data file whose index falls to this thread (tid 0..threads-1).
function M.rows(tid, threads)
  local rows, n = {}, 0
  for line in io.lines(os.getenv("BENCH_DATA")) do
    if n % threads == tid then rows[#rows + 1] = M.split(line, "\t") end
    n = n + 1
  end
  return rows
end

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")

-- Seconds on the monotonic clock (wrk's own duration covers the whole -d even when a thread
-- stops early; scripts that stop time themselves).
function M.now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

M.threads = {}
local next_tid = 0
function M.setup(thread)
  thread:set("tid", next_tid)
  M.threads[#M.threads + 1] = thread
  next_tid = next_tid + 1
end

-- seconds: the run's length, or for scripts that stop early (first, last set by the threads)
-- from the first request sent to the last reply received.
function M.done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local first, last = nil, nil
  for _, thread in ipairs(M.threads) do
    local f, l = thread:get("first"), thread:get("last")
    if f and (first == nil or f < first) then first = f end
    if l and (last == nil or l > last) then last = l end
  end
  if first and last and last > first then seconds = last - first end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, ' ..
    '"errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status,
    e.connect + e.read + e.write + e.timeout + e.status))
end

return M
