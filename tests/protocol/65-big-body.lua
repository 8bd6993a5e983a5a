-- 65-big-body.lua - a body past the in-memory threshold (counted, not
-- spooled: no rule reads its bytes) is still judged and accepted
dofile(lib)

local conn = open()
mail(conn, "PROTOBODY1", "<rivera@district.example>",
    { "<family@example.net>" })
check(mt.header(conn, "Subject", "Photos") == nil, "mt.header() failed")
expect_reply(conn, SMFIR_CONTINUE, "header")
check(mt.eoh(conn) == nil, "mt.eoh() failed")
expect_reply(conn, SMFIR_CONTINUE, "end of header")
check(mt.bodyrandom(conn, 3 * 1024 * 1024) == nil, "mt.bodyrandom() failed")
expect_reply(conn, SMFIR_CONTINUE, "body")
check(mt.eom(conn) == nil, "mt.eom() failed")
expect_reply(conn, SMFIR_ACCEPT, "end of message")
check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Checked", "external"),
    "X-Guardian-Checked was not added to the big message")
mt.disconnect(conn)
