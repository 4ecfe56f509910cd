-- wrk script of every scenario. args: a file of request specs, one per line
-- (method, path, bearer token, JSON body, tab-separated; "-" for none), and the thread count.
-- Each thread cycles through its own share of the lines (every n-th), so a spec meant to
-- be used once (a buyer's full cart) is never sent by two threads.

local requests = {}
local position = 0

function setup(thread)
  started_threads = (started_threads or 0) + 1
  thread:set("thread_number", started_threads)
end

local function format(line)
  local method, path, token, body = line:match("^(%S+)\t(%S+)\t(%S+)\t(.*)$")
  local headers = {}
  if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
  if body == "-" then
    body = nil
  else
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, path, headers, body)
end

function init(args)
  local lines = {}
  for line in io.lines(args[1]) do table.insert(lines, line) end
  local threads = tonumber(args[2])
  for index, line in ipairs(lines) do
    if #lines < threads or (index - 1) % threads == thread_number - 1 then
      table.insert(requests, format(line))
    end
  end
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.status,
    errors.timeout))
end
