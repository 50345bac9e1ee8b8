-- Autosave answers through the page script's JSON endpoint, with the session cookie and the
-- CSRF header. Members in turn (each thread has its own members, so one member's saves never
-- race between threads), questions in turn, sequence numbers rising.
-- Rows: cookie, csrf token, attempt id, then "question id=answer as JSON" per question.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
local rows, i, seq, question

function init(args)
  rows = common.rows(tid, tonumber(os.getenv("BENCH_THREADS")))
  i, question = 0, 0
  seq = os.time() * 100000  -- above every earlier run's numbers (< 2^53)
end

function request()
  i = i % #rows + 1
  if i == 1 then question = question + 1 end
  seq = seq + 1
  local row = rows[i]
  local item = row[4 + (question - 1) % (#row - 3)]
  local qid, answer = item:match("^(%d+)=(.*)$")
  local body = '{"question_id": ' .. qid .. ', "response": ' .. answer .. ', "seq": ' .. string.format("%d", seq) .. '}'
  return wrk.format("POST", "/quiz/attempts/" .. row[3] .. "/answers",
                    {Cookie = row[1], ["X-CSRFToken"] = row[2],
                     ["Content-Type"] = "application/json"}, body)
end
