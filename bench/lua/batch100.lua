-- 100 SDK events per request.
EVENTS_PER_REQUEST = 100
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "batch.lua")
