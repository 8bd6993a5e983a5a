-- 70-macros.lua - connection and MAIL macros reach the rules: the
-- submission service without a login is refused, with one it is not,
-- and a login does not leak into the next message on the connection
dofile(lib)

local conn = open({ ["{daemon_name}"] = "submission" })
local login_reply = "Sign in with your district account.\r\n554 5.7.0 " ..
    "Rule submission-needs-login; guideline: Sign in to send school mail"

mail(conn, "PROTOMAC1", "<rivera@district.example>",
    { "<colleague@district.example>" })
content(conn, { { "Subject", "Hello" } })
expect_reply(conn, SMFIR_REPLYCODE, "without a login")
check(mt.eom_check(conn, MT_SMTPREPLY, "554-5.7.0", login_reply),
    "the login rule's reply was not sent")

mail(conn, "PROTOMAC2", "<rivera@district.example>",
    { "<colleague@district.example>" }, { ["{auth_authen}"] = "rivera" })
content(conn, { { "Subject", "Hello" } })
expect_reply(conn, SMFIR_ACCEPT, "with a login")

mail(conn, "PROTOMAC3", "<rivera@district.example>",
    { "<colleague@district.example>" })
content(conn, { { "Subject", "Hello" } })
expect_reply(conn, SMFIR_REPLYCODE, "login of the previous message")
mt.disconnect(conn)
