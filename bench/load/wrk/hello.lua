-- The ceiling: GET / of whatever server (hello world), figures as JSON.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
