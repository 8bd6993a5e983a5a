-- no-policy.lua - a worker whose files do not build serves no policy:
-- every message is answered tempfail at MAIL FROM, never judged by an
-- older policy
dofile(lib)

local conn = open()
check(mt.macro(conn, SMFIC_MAIL, "i", "PROTONOPOL1") == nil,
    "mt.macro(MAIL) failed")
check(mt.mailfrom(conn, "<rivera@district.example>") == nil,
    "mt.mailfrom() failed")
expect_reply(conn, SMFIR_REPLYCODE, "MAIL FROM without a policy")
mt.disconnect(conn)
