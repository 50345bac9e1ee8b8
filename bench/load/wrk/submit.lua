-- Submit attempts (the 交卷 form: POST /quiz/attempts/<id>/submit with the CSRF token), each
-- attempt once; a thread stops when its attempts are used up.
-- Rows: cookie, csrf token, attempt id.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
local rows, i

function init(args)
  rows = common.rows(tid, tonumber(os.getenv("BENCH_THREADS")))
  i = 0
end

function request()
  if first == nil then first = common.now() end
  i = i + 1
  if i > #rows then
    wrk.thread:stop()
    i = #rows  -- a request must still be returned; the stopped thread never sends it
  end
  local row = rows[i]
  return wrk.format("POST", "/quiz/attempts/" .. row[3] .. "/submit",
                    {Cookie = row[1], ["Content-Type"] = "application/x-www-form-urlencoded"},
                    "csrf_token=" .. row[2])
end

function response(status, headers, body)
  last = common.now()
end
