-- wrk script: Put Message TOTAL times, shared out over the threads. Once a thread has sent its share
-- it only peeks (not counted); it stops when every message it sent is answered.
-- Environment: SAS, QUEUE, TOTAL, THREADS.
local sas = os.getenv("SAS")
local queue = os.getenv("QUEUE")
local total = tonumber(os.getenv("TOTAL") or "100000")
local threads = tonumber(os.getenv("THREADS") or "2")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  share = math.floor(total / threads)
  if id == threads - 1 then share = total - share * (threads - 1) end
  sent, ok, failed = 0, 0, 0
  -- wrk calls request() once on thread 0 to check it, and never sends that request.
  limit = share + (id == 0 and 1 or 0)
  headers = {["Content-Type"] = "application/xml", ["x-ms-version"] = "2021-12-02"}
end

function request()
  if sent >= limit then
    return wrk.format("GET", "/devstoreaccount1/" .. queue .. "/messages?peekonly=true&" .. sas, headers)
  end
  local n = id * 100000000 + sent
  sent = sent + 1
  local body = string.format(
    '<QueueMessage><MessageText>{"sha256":"%064x","path":"photos/%d.jpg"}</MessageText></QueueMessage>', n, n)
  return wrk.format("POST", "/devstoreaccount1/" .. queue .. "/messages?" .. sas, headers, body)
end

-- Tells run.sh this thread is finished (wrk itself only exits at its -d deadline or on SIGINT).
local function finish()
  if finished then return end
  finished = true
  local clock = io.popen("date +%s.%N"):read("*l")
  local file = io.open(os.getenv("DONE_DIR") .. "/thread-" .. tostring(id or math.random(1e9)), "w")
  file:write(clock, " ", tostring(failed), "\n")
  file:close()
  wrk.thread:stop()
end

function response(status, headers, body)
  if status == 201 then ok = ok + 1 elseif status ~= 200 then failed = failed + 1 end
  if ok + failed >= share then finish() end
end
