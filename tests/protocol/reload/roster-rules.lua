-- roster-rules.lua - which rule file serves: the families rule of
-- roster.xml tags mail to gmail with X-Guardian-Generation; the global
-- want (from run.sh) is the value expected
dofile(lib)

local conn = open()
mail(conn, "PROTORULES-" .. want, "<rivera@district.example>",
    { "<someone@gmail.com>" })
content(conn, { { "Subject", "Hello" } })
expect_reply(conn, SMFIR_ACCEPT, "end of message")
check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Generation", want),
    "X-Guardian-Generation is not " .. want)
mt.disconnect(conn)
