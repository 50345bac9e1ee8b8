-- Autosave as the answering page sends it since issue 16: several pending answers of one
-- member in one request ({"answers": [...]}), with the session cookie and the CSRF header.
-- BENCH_BATCH answers a request (default 5), consecutive questions of the member's attempt;
-- otherwise as autosave.lua (each thread its own members, members in turn, seq rising).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
local rows, i, seq, question, size

function init(args)
  rows = common.rows(tid, tonumber(os.getenv("BENCH_THREADS")))
  size = tonumber(os.getenv("BENCH_BATCH") or "5")
  i, question = 0, 0
  seq = os.time() * 100000  -- above every earlier run's numbers (< 2^53)
end

function request()
  i = i % #rows + 1
  if i == 1 then question = question + size end
  local row = rows[i]
  local count = #row - 3
  local entries = {}
  for k = 0, math.min(size, count) - 1 do
    seq = seq + 1
    local item = row[4 + (question + k - 1) % count]
    local qid, answer = item:match("^(%d+)=(.*)$")
    entries[#entries + 1] = '{"question_id": ' .. qid .. ', "response": ' .. answer ..
                            ', "seq": ' .. string.format("%d", seq) .. '}'
  end
  local body = '{"answers": [' .. table.concat(entries, ", ") .. ']}'
  return wrk.format("POST", "/quiz/attempts/" .. row[3] .. "/answers",
                    {Cookie = row[1], ["X-CSRFToken"] = row[2],
                     ["Content-Type"] = "application/json"}, body)
end
