-- One SDK event per request (POST /api/v1/traces), fresh UUIDv7 trace_id and span_id each time.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua").install({ events = 1 })
