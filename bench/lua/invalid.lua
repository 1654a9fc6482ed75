-- The auth path without storage: the SDK event with a trace_id that is not a UUID, so the request
-- passes authentication and JSON parsing, fails validation and is answered 400 invalid_trace.
-- Against bare Kestrel the same bytes are answered 202, which is the point of comparison.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua").install({ events = 1, fixed = { trace_id = "not-a-uuid" } })
