-- Written for Berth: an action without a health.lua; the loader must skip the kind.
return obj
