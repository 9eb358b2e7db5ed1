-- Written for Berth: Lua 5.1 / gopher-lua functions that scripts written for Argo CD call.
local steps = obj.spec.steps
local parts = {}
table.insert(parts, "steps=" .. table.getn(steps))
table.insert(parts, "maxn=" .. table.maxn(steps))
local first, second = unpack(steps)
table.insert(parts, "first=" .. first .. "," .. second)
table.insert(parts, "pow=" .. math.pow(2, 10))
table.insert(parts, "mod=" .. math.mod(7, 3))
table.insert(parts, "log10=" .. math.log10(1000))
local words = {}
for w in string.gfind(obj.spec.words, "%a+") do words[#words + 1] = w end
table.insert(parts, "words=" .. #words)
local t = os.time{year = 2020, month = 6, day = 15, hour = 12}
table.insert(parts, "year=" .. os.date("!%Y", t))
table.insert(parts, "elapsed=" .. (os.difftime(os.time(), t) > 0 and "yes" or "no"))
local fn = loadstring("return 40 + 2")
table.insert(parts, "loadstring=" .. fn())
local ok = pcall(error, "caught")
table.insert(parts, "pcall=" .. tostring(ok))
return { status = "Healthy", message = table.concat(parts, " ") }
