-- 60-many-headers.lua - more header fields than the daemon keeps: the
-- excess is dropped, the limit is a finding, the rule for it answers
dofile(lib)

local conn = open()
mail(conn, "PROTOMANY1", "<rivera@district.example>",
    { "<colleague@district.example>" })
local filler = string.rep("x", 900)
for i = 1, 1100 do
	check(mt.header(conn, "X-Filler-" .. i, filler) == nil,
	    "mt.header() failed at field " .. i)
	expect_reply(conn, SMFIR_CONTINUE, "header field " .. i)
end
check(mt.eoh(conn) == nil, "mt.eoh() failed")
expect_reply(conn, SMFIR_CONTINUE, "end of header")
check(mt.eom(conn) == nil, "mt.eom() failed")
expect_reply(conn, SMFIR_REPLYCODE, "end of message")
check(mt.eom_check(conn, MT_SMTPREPLY, "451-4.7.1",
    "This message could not be checked completely.\r\n451 4.7.1 " ..
    "Rule oversized; guideline: Messages must be inspected"),
    "the limit rule's tempfail reply was not sent")
mt.disconnect(conn)
