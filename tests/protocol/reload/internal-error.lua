-- internal-error.lua - the rules cannot be evaluated (a regex hits its
-- match limit): the answer is the on-error setting, never a silent accept
-- unless it says accept. Global onerror from run.sh: tempfail or accept.
dofile(lib)

local conn = open()
mail(conn, "PROTOERR-" .. onerror, "<rivera@district.example>",
    { "<colleague@district.example>" })
local subject = string.rep("a", 64) .. "!"
content(conn, { { "Subject", subject } })
if onerror == "accept" then
	expect_reply(conn, SMFIR_ACCEPT, "end of message, on-error accept")
else
	expect_reply(conn, SMFIR_REPLYCODE, "end of message, on-error tempfail")
	check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
	    "The message could not be checked; it will be retried"),
	    "the internal-error reply is not 451 4.3.0")
end
mt.disconnect(conn)
