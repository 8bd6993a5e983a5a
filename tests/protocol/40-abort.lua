-- 40-abort.lua - an abort between any two callbacks, then more messages
-- on the same connection: nothing of an aborted message is left over
dofile(lib)

local conn = open()

-- stop - start a message to example.net and abort it after step n
local function stop_after(n)
	local qid = "PROTOABT" .. n
	if n == 0 then
		check(mt.abort(conn) == nil, "mt.abort() failed")
		return
	end
	mail(conn, qid, "<rivera@district.example>", n >= 2
	    and { "<family@example.net>" } or {})
	if n >= 3 then
		check(mt.header(conn, "Subject", "Field trip") == nil,
		    "mt.header() failed")
		expect_reply(conn, SMFIR_CONTINUE, "header")
	end
	if n >= 4 then
		check(mt.eoh(conn) == nil, "mt.eoh() failed")
		expect_reply(conn, SMFIR_CONTINUE, "end of header")
	end
	if n >= 5 then
		check(mt.bodystring(conn, "Hello.\r\n") == nil,
		    "mt.bodystring() failed")
		expect_reply(conn, SMFIR_CONTINUE, "body")
	end
	check(mt.abort(conn) == nil, "mt.abort() failed")
end

for n = 0, 5 do
	stop_after(n)
end

-- a message to staff only: the aborted example.net recipients must be
-- gone, so nothing is added
mail(conn, "PROTOABT9", "<rivera@district.example>",
    { "<colleague@district.example>" })
content(conn, { { "Subject", "Lunch" } })
expect_reply(conn, SMFIR_ACCEPT, "message after the aborts")
check(not mt.eom_check(conn, MT_HDRADD),
    "a recipient of an aborted message was kept")

-- and a second complete message on the same connection is judged anew
mail(conn, "PROTOABT10", "<rivera@district.example>", { "<parent@gmail.com>" })
content(conn, { { "Subject", "grades" } })
expect_reply(conn, SMFIR_REPLYCODE, "second message")
check(mt.eom_check(conn, MT_SMTPREPLY, "550-5.7.1",
    REJECT_LINE .. "\r\n550 5.7.1 " .. REJECT_CITE),
    "the second message did not get the reject reply")
mt.disconnect(conn)
