-- Written for Berth: any kind of example.io, by its status.phase.
local hs = { status = "Progressing", message = "Waiting for " .. obj.kind }
if obj.status ~= nil and obj.status.phase == "Ready" then
  hs.status = "Healthy"
  hs.message = obj.kind .. " is ready"
end
return hs
