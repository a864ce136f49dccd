-- What the queue-table wrk scripts share: thread ids, each thread's share of the work, the probe
-- wrk makes before sending anything, and the finish signal run.sh waits for. Each script loads it
-- with `dofile` from its own folder.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

-- This thread's part of `total` units (the last thread takes the remainder).
function thread_share(total, threads)
  local share = math.floor(total / threads)
  if id == threads - 1 then share = total - share * (threads - 1) end
  return share
end

-- wrk calls request() once on thread 0 to check the script, and never sends that request.
function probe_calls()
  return id == 0 and 1 or 0
end

-- Tells run.sh this thread is finished (wrk itself only exits at its -d deadline or on SIGINT):
-- the clock and the failure count go to a file in DONE_DIR.
function finish(failed)
  if finished then return end
  finished = true
  local clock = io.popen("date +%s.%N"):read("*l")
  local file = io.open(os.getenv("DONE_DIR") .. "/thread-" .. tostring(id or math.random(1e9)), "w")
  file:write(clock, " ", tostring(failed), "\n")
  file:close()
  wrk.thread:stop()
end
