-- wrk script: drain a queue the way a worker does: Get Messages (32 at a time, 5 minutes' visibility),
-- then Delete Message with each pop receipt. A thread stops once a Get finds the queue empty and every
-- delete it issued has been answered.
-- Environment: SAS, QUEUE.
local sas = os.getenv("SAS")
local queue = os.getenv("QUEUE")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  pending, drained, issued, deleted, failed = {}, false, 0, 0, 0
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local next = table.remove(pending)
  if next then
    issued = issued + 1
    return wrk.format("DELETE", "/devstoreaccount1/" .. queue .. "/messages/" .. next[1] .. "?popreceipt=" .. encode(next[2]) .. "&" .. sas,
      {["x-ms-version"] = "2021-12-02"})
  end
  return wrk.format("GET", "/devstoreaccount1/" .. queue .. "/messages?numofmessages=32&visibilitytimeout=300&" .. sas,
    {["x-ms-version"] = "2021-12-02"})
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
  if body and body:find("<QueueMessagesList", 1, true) then
    local found = 0
    for id, receipt in body:gmatch("<MessageId>(.-)</MessageId>.-<PopReceipt>(.-)</PopReceipt>") do
      table.insert(pending, {id, receipt})
      found = found + 1
    end
    if found == 0 then drained = true end
  elseif status == 204 then
    deleted = deleted + 1
  else
    failed = failed + 1
  end
  if drained and #pending == 0 and deleted + failed >= issued then finish() end
end
