-- Open an attempt's question page: GET /quiz/attempts/<id>/q/<n>, members and positions in turn.
-- Rows: cookie, attempt id.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
local rows, i, position

function init(args)
  rows = common.rows(tid, tonumber(os.getenv("BENCH_THREADS")))
  i, position = 0, 0
end

function request()
  i = i % #rows + 1
  if i == 1 then position = position % 30 + 1 end
  local row = rows[i]
  return wrk.format("GET", "/quiz/attempts/" .. row[2] .. "/q/" .. position, {Cookie = row[1]})
end
