-- new-rules.lua - after a good reload the new rules serve: grades to
-- gmail are tagged, and mail no rule can match is accepted at DATA
dofile(lib)

local conn = open()
mail(conn, "PROTONEW1", "<rivera@district.example>", { "<parent@gmail.com>" })
content(conn, { { "Subject", "grades" } })
expect_reply(conn, SMFIR_ACCEPT, "end of message")
check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Generation", "2"),
    "the new rule did not add its header field")

mail(conn, "PROTOEARLY1", "<rivera@district.example>",
    { "<colleague@district.example>" })
check(mt.data(conn) == nil, "mt.data() failed")
expect_reply(conn, SMFIR_ACCEPT, "DATA of a message no rule can match")
mt.disconnect(conn)
