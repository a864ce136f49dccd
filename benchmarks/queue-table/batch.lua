-- wrk script: TOTAL upserts as entity group transactions ($batch) of 100 Insert-or-Replace operations,
-- one partition per transaction, shared out over the threads. Once a thread has sent its share it
-- only reads a missing entity (404, not counted); it stops when every transaction it sent is answered.
-- Environment: SAS, TABLE (bench table name), TOTAL, THREADS, DONE_DIR.
local sas = os.getenv("SAS")
local tablename = os.getenv("TABLE") .. "batch"
local total = tonumber(os.getenv("TOTAL") or "100000")
local threads = tonumber(os.getenv("THREADS") or "2")
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "threads.lua")

function init(args)
  share = thread_share(math.floor(total / 100), threads)
  sent, ok, failed = 0, 0, 0
  limit = share + probe_calls()
end

function request()
  if sent >= limit then
    return wrk.format("GET", "/devstoreaccount1/" .. tablename .. "(PartitionKey='none',RowKey='none')?" .. sas,
      {["Accept"] = "application/json;odata=nometadata", ["x-ms-version"] = "2019-02-02"})
  end
  local b = id * 1000000 + sent
  sent = sent + 1
  local parts = {"--batch_b\r\nContent-Type: multipart/mixed; boundary=changeset_c\r\n\r\n"}
  for i = 0, 99 do
    local n = b * 100 + i
    parts[#parts + 1] = "--changeset_c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" ..
      "PUT http://127.0.0.1/devstoreaccount1/" .. tablename .. "(PartitionKey='lib" .. b ..
      "',RowKey='photos%252F" .. string.format("%012d", n) .. ".jpg') HTTP/1.1\r\n" ..
      "Content-Type: application/json\r\nAccept: application/json;odata=nometadata\r\n\r\n" ..
      string.format('{"Sha256":"%064x","Size@odata.type":"Edm.Int64","Size":"%d","Mtime@odata.type":"Edm.DateTime",' ..
        '"Mtime":"2024-05-06T07:08:09Z","ContentType":"image/jpeg","Width":4032,"Height":3024,"Deleted":false}', n, 1000000 + n) ..
      "\r\n"
  end
  parts[#parts + 1] = "--changeset_c--\r\n--batch_b--\r\n"
  return wrk.format("POST", "/devstoreaccount1/$batch?" .. sas,
    {["Content-Type"] = "multipart/mixed; boundary=batch_b", ["x-ms-version"] = "2019-02-02", ["DataServiceVersion"] = "3.0"},
    table.concat(parts))
end

function response(status, headers, body)
  if status == 202 and not body:find("odata.error", 1, true) then ok = ok + 1
  elseif status ~= 404 then failed = failed + 1 end
  if ok + failed >= share then finish(failed) end
end
