-- wrk: GET the preview URLs listed in previews.txt (one per line), cycling, each thread from its own start.
local paths = {}
for line in io.lines(os.getenv("PREVIEWS_LIST")) do paths[#paths + 1] = line end
local index = 0
init = function(args) index = math.random(#paths) end
request = function()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
