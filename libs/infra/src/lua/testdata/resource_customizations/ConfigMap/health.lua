-- Written for Berth: a core-group kind sits at the top level, as Argo CD keys it ("ConfigMap").
if obj.data ~= nil and obj.data.broken == "true" then
  return { status = "Degraded", message = "marked broken" }
end
return nil
