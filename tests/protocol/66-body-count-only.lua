-- 66-body-count-only.lua - no rule that may match reads the body's bytes
-- (the body rule is for gmail.com recipients only, the limit rule names
-- only the message's own limits, so it needs only the body's size, not
-- the MIME view's findings): a big body is counted, never spooled, so a spool
-- directory that cannot be written (a full disk) does not tempfail it
dofile(lib)

-- run.sh keeps the socket and the spool directory side by side
local dir = string.gsub(string.gsub(socket, "^unix:", ""), "/[^/]*$", "")
local spool = dir .. "/spool"
local away = dir .. "/spool.away"

check(os.rename(spool, away), "cannot move the spool directory away")
local ok, err = pcall(function()
	local conn = open()
	mail(conn, "PROTOCOUNT1", "<rivera@district.example>",
	    { "<family@example.net>" })
	check(mt.header(conn, "Subject", "Photos") == nil,
	    "mt.header() failed")
	expect_reply(conn, SMFIR_CONTINUE, "header")
	check(mt.eoh(conn) == nil, "mt.eoh() failed")
	expect_reply(conn, SMFIR_CONTINUE, "end of header")
	check(mt.bodyrandom(conn, 3 * 1024 * 1024) == nil,
	    "mt.bodyrandom() failed")
	expect_reply(conn, SMFIR_CONTINUE, "body")
	check(mt.eom(conn) == nil, "mt.eom() failed")
	expect_reply(conn, SMFIR_ACCEPT,
	    "end of message (a 3 MB body without a spool directory)")
	check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Checked", "external"),
	    "X-Guardian-Checked was not added")
	mt.disconnect(conn)
end)
check(os.rename(away, spool), "cannot put the spool directory back")
check(ok, err)
