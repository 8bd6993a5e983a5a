-- old-rules.lua - after a reload with a broken configuration the old
-- rules still serve: grades to gmail are still rejected
dofile(lib)

local conn = open()
mail(conn, "PROTOOLD1", "<rivera@district.example>", { "<parent@gmail.com>" })
content(conn, { { "Subject", "grades" } })
expect_reply(conn, SMFIR_REPLYCODE, "end of message")
check(mt.eom_check(conn, MT_SMTPREPLY, "550-5.7.1",
    REJECT_LINE .. "\r\n550 5.7.1 " .. REJECT_CITE),
    "the old reject rule no longer serves")
mt.disconnect(conn)
