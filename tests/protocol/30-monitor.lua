-- 30-monitor.lua - a monitor rule that would reject accepts instead and
-- says so in X-Guardian-Monitor
dofile(lib)

local conn = open()
mail(conn, "PROTOMON1", "<principal@district.example>",
    { "<a@monitor.example>", "<b@monitor.example>" })
content(conn, {
	{ "From", "principal@district.example" },
	{ "Subject", "Newsletter" },
})
expect_reply(conn, SMFIR_ACCEPT, "end of message")
check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Monitor",
    "bulk-to-families would reject 550 5.7.1"),
    "X-Guardian-Monitor was not added with what the rule would do")
check(not mt.eom_check(conn, MT_SMTPREPLY, "550"),
    "a monitor rule set a reply")
mt.disconnect(conn)
