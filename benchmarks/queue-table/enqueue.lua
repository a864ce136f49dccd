-- wrk script: Put Message TOTAL times, shared out over the threads. Once a thread has sent its share
-- it only peeks (not counted); it stops when every message it sent is answered.
-- Environment: SAS, QUEUE, TOTAL, THREADS.
local sas = os.getenv("SAS")
local queue = os.getenv("QUEUE")
local total = tonumber(os.getenv("TOTAL") or "100000")
local threads = tonumber(os.getenv("THREADS") or "2")
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "threads.lua")

function init(args)
  share = thread_share(total, threads)
  sent, ok, failed = 0, 0, 0
  limit = share + probe_calls()
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

function response(status, headers, body)
  if status == 201 then ok = ok + 1 elseif status ~= 200 then failed = failed + 1 end
  if ok + failed >= share then finish(failed) end
end
