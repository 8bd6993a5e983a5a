-- 20-accept-add-header.lua - an accepted message gets the header field
-- the matching rule adds, and no reply text
dofile(lib)

local conn = open()
mail(conn, "PROTOHDR1", "<rivera@district.example>",
    { "<family@example.net>" })
content(conn, {
	{ "From", "rivera@district.example" },
	{ "Subject", "Field trip on Friday" },
})
expect_reply(conn, SMFIR_ACCEPT, "end of message")
check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Checked", "external"),
    "X-Guardian-Checked: external was not added")
check(mt.getheader(conn, "X-Guardian-Checked", 0) == "external",
    "the added header field has the wrong value")
check(not mt.eom_check(conn, MT_HDRADD, "X-Guardian-Monitor"),
    "an enforce rule added a monitor header")
mt.disconnect(conn)
