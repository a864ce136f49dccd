-- wrk script: PUT a body of BODY_SIZE bytes to the request path as a block blob.
local size = tonumber(os.getenv("BODY_SIZE") or "1024")
wrk.method = "PUT"
wrk.body = string.rep("x", size)
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["x-ms-blob-type"] = "BlockBlob"
wrk.headers["x-ms-version"] = "2025-11-05"
