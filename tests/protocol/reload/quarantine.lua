-- quarantine.lua - a message a rule holds is answered discard once it is
-- stored (want=discard), or tempfail with the filter's reply when the
-- store cannot take it (want=tempfail); a message the rule does not
-- hold is accepted
dofile(lib)

local conn = open()
mail(conn, "PROTOHOLD-" .. want, "<rivera@district.example>",
    { "<parent@gmail.com>" })
content(conn, { { "Subject", "grades" } }, "Term grades.\r\n")
if want == "discard" then
	expect_reply(conn, SMFIR_DISCARD, "end of message (held)")
else
	expect_reply(conn, SMFIR_REPLYCODE, "end of message (store gone)")
	check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
	    "The message could not be checked; it will be retried"),
	    "not the filter's 451 4.3.0 reply")
end

mail(conn, "PROTOHOLDNOT", "<rivera@district.example>",
    { "<parent@gmail.com>" })
content(conn, { { "Subject", "library books" } }, "Due Friday.\r\n")
expect_reply(conn, SMFIR_ACCEPT, "end of message (not held)")
mt.disconnect(conn)
