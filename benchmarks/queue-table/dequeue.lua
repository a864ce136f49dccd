-- wrk script: drain a queue the way a worker does: Get Messages (32 at a time, 5 minutes' visibility),
-- then Delete Message with each pop receipt. A thread stops once a Get finds the queue empty, every Get it
-- issued has been answered (one still in flight may bring back messages) and every delete has been answered.
-- After the queue is found empty a thread issues no more Gets: idle connections ask for the queue's
-- metadata instead, so the count of Gets in flight can only fall.
-- Environment: SAS, QUEUE.
local sas = os.getenv("SAS")
local queue = os.getenv("QUEUE")
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "threads.lua")

function init(args)
  pending, drained, issued, deleted, failed = {}, false, 0, 0, 0
  gets, answered = 0, 0
  -- wrk's probe (see threads.lua) is never sent, so it must not count as a Get in flight.
  probe = probe_calls() == 1
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
  if drained then
    return wrk.format("GET", "/devstoreaccount1/" .. queue .. "?comp=metadata&" .. sas, {["x-ms-version"] = "2021-12-02"})
  end
  if probe then probe = false else gets = gets + 1 end
  return wrk.format("GET", "/devstoreaccount1/" .. queue .. "/messages?numofmessages=32&visibilitytimeout=300&" .. sas,
    {["x-ms-version"] = "2021-12-02"})
end

function response(status, headers, body)
  if body and body:find("<QueueMessagesList", 1, true) then
    answered = answered + 1
    local found = 0
    for id, receipt in body:gmatch("<MessageId>(.-)</MessageId>.-<PopReceipt>(.-)</PopReceipt>") do
      table.insert(pending, {id, receipt})
      found = found + 1
    end
    if found == 0 then drained = true end
  elseif status == 204 then
    deleted = deleted + 1
  elseif status == 200 then
    -- a metadata answer while waiting for the last Gets
  else
    failed = failed + 1
  end
  if drained and #pending == 0 and answered + failed >= gets and deleted + failed >= issued then finish(failed) end
end
