-- wrk script: Insert-or-Replace TOTAL distinct catalog-like entities (PUT without If-Match), shared
-- out over the threads. Once a thread has sent its share it only sends cheap point reads of a
-- missing entity (404), which are not counted; it stops when every upsert it sent is answered.
-- Environment: SAS (account SAS query string), TABLE, TOTAL, THREADS, PARTITIONS.
local sas = os.getenv("SAS")
local tablename = os.getenv("TABLE")
local total = tonumber(os.getenv("TOTAL") or "100000")
local threads = tonumber(os.getenv("THREADS") or "2")
local partitions = tonumber(os.getenv("PARTITIONS") or "100")
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "threads.lua")

function init(args)
  share = thread_share(total, threads)
  sent, ok, failed = 0, 0, 0
  limit = share + probe_calls()
  headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json;odata=nometadata",
             ["x-ms-version"] = "2019-02-02", ["DataServiceVersion"] = "3.0"}
end

function request()
  if sent >= limit then
    return wrk.format("GET", "/devstoreaccount1/" .. tablename .. "(PartitionKey='none',RowKey='none')?" .. sas, headers)
  end
  local n = id * 100000000 + sent
  sent = sent + 1
  -- RowKey as ironviper writes it: the relative path with '/' percent-encoded ("photos%2F…"), URL-encoded once more.
  local rk = "photos%252F" .. string.format("%012d", n) .. ".jpg"
  local body = string.format(
    '{"Sha256":"%064x","Size@odata.type":"Edm.Int64","Size":"%d","Mtime@odata.type":"Edm.DateTime",' ..
    '"Mtime":"2024-05-06T07:08:09Z","ContentType":"image/jpeg","Width":4032,"Height":3024,"Deleted":false}',
    n, 1000000 + n)
  return wrk.format("PUT", "/devstoreaccount1/" .. tablename .. "(PartitionKey='lib" .. (n % partitions) ..
    "',RowKey='" .. rk .. "')?" .. sas, headers, body)
end

function response(status, headers, body)
  if status == 204 then ok = ok + 1 elseif status ~= 404 then failed = failed + 1 end
  if ok + failed >= share then finish(failed) end
end
