-- 1,000 SDK events per request, the most one batch may hold.
EVENTS_PER_REQUEST = 1000
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "batch.lua")
