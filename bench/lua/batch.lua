-- A JSON array of EVENTS_PER_REQUEST SDK events per request (the batch form of POST /api/v1/traces),
-- each with fresh ids. Set EVENTS_PER_REQUEST before loading this file (see batch100.lua).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua").install({ events = assert(EVENTS_PER_REQUEST, "EVENTS_PER_REQUEST is not set") })
