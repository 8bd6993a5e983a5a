-- 10-reject.lua - a rejected message carries the rule's reply: code,
-- enhanced status, the guidance text and the line citing the guideline
dofile(lib)

local conn = open()
mail(conn, "PROTOREJ1", "<rivera@district.example>", { "<parent@gmail.com>" })
local r = content(conn, {
	{ "From", "Ms. Rivera <rivera@district.example>" },
	{ "To", "parent@gmail.com" },
	{ "Subject", "Your child's grades" },
})
expect_reply(conn, SMFIR_REPLYCODE, "end of message")
check(mt.eom_check(conn, MT_SMTPREPLY, "550-5.7.1",
    REJECT_LINE .. "\r\n550 5.7.1 " .. REJECT_CITE),
    "the reject reply is not the rule's text")
check(not mt.eom_check(conn, MT_HDRADD),
    "a header field was added to a rejected message")
mt.disconnect(conn)
