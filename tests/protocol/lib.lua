-- lib.lua - helpers shared by the protocol scripts (loaded with dofile)
--
-- Globals from run.sh (miltertest -D): socket, the daemon's socket.
-- miltertest copies header fields and replies through 1024-byte buffers,
-- so headers sent from Lua stay under 1000 bytes; the larger ones are
-- sent by rawclient.pl.

unpack = table.unpack or unpack

-- check - fail the script with what if cond does not hold
function check(cond, what)
	if not cond then
		error(what, 2)
	end
end

-- reply_name - a milter reply code in words, for error messages
function reply_name(r)
	local names = {
		[SMFIR_CONTINUE] = "continue", [SMFIR_ACCEPT] = "accept",
		[SMFIR_REJECT] = "reject", [SMFIR_TEMPFAIL] = "tempfail",
		[SMFIR_REPLYCODE] = "replycode", [SMFIR_DISCARD] = "discard",
	}
	return names[r] or tostring(r)
end

-- expect_reply - the last reply on conn must be want
function expect_reply(conn, want, what)
	local got = mt.getreply(conn)
	check(got == want, string.format("%s: reply %s, expected %s",
	    what, reply_name(got), reply_name(want)))
end

-- open - connect, send connection macros (a table), connect info and HELO
-- (The MTA offers only SMFIP_NOUNKNOWN: every step is answered, so each
-- reply can be checked. 80-no-reply.lua offers the rest.)
function open(conn_macros)
	local conn = mt.connect(socket, 40, 0.25)
	check(conn ~= nil, "mt.connect() failed")
	-- (miltertest 1.4 takes the steps before the actions, whatever
	-- its manual says; 0x1ff is every action)
	check(mt.negotiate(conn, 6, SMFIP_NOUNKNOWN, 0x1ff) == nil,
	    "mt.negotiate() failed")
	if conn_macros ~= nil then
		local m = {}
		for k, v in pairs(conn_macros) do
			table.insert(m, k)
			table.insert(m, v)
		end
		check(mt.macro(conn, SMFIC_CONNECT, unpack(m)) == nil,
		    "mt.macro(CONNECT) failed")
	end
	check(mt.conninfo(conn, "client.example", "192.0.2.10") == nil,
	    "mt.conninfo() failed")
	expect_reply(conn, SMFIR_CONTINUE, "connect")
	check(mt.helo(conn, "client.example") == nil, "mt.helo() failed")
	expect_reply(conn, SMFIR_CONTINUE, "HELO")
	return conn
end

-- mail - MAIL FROM with the queue id qid (and more MAIL macros from the
-- table extra), then every recipient of the list rcpts
function mail(conn, qid, from, rcpts, extra)
	local m = { "i", qid }
	for k, v in pairs(extra or {}) do
		table.insert(m, k)
		table.insert(m, v)
	end
	check(mt.macro(conn, SMFIC_MAIL, unpack(m)) == nil,
	    "mt.macro(MAIL) failed")
	check(mt.mailfrom(conn, from) == nil, "mt.mailfrom() failed")
	expect_reply(conn, SMFIR_CONTINUE, "MAIL FROM")
	for _, r in ipairs(rcpts) do
		check(mt.rcptto(conn, r) == nil, "mt.rcptto() failed")
		expect_reply(conn, SMFIR_CONTINUE, "RCPT TO " .. r)
	end
end

-- content - the header fields (a list of {name, value}), end of header,
-- the body, end of message; returns the reply to end of message
function content(conn, headers, body)
	for _, h in ipairs(headers) do
		check(mt.header(conn, h[1], h[2]) == nil, "mt.header() failed")
		expect_reply(conn, SMFIR_CONTINUE, "header " .. h[1])
	end
	check(mt.eoh(conn) == nil, "mt.eoh() failed")
	expect_reply(conn, SMFIR_CONTINUE, "end of header")
	check(mt.bodystring(conn, body or "Hello.\r\n") == nil,
	    "mt.bodystring() failed")
	expect_reply(conn, SMFIR_CONTINUE, "body")
	check(mt.eom(conn) == nil, "mt.eom() failed")
	return mt.getreply(conn)
end

-- the reply the reject rule of config.xml sends, as libmilter puts it
-- on the wire
REJECT_LINE = "Student records go to district accounts only."
REJECT_CITE = "Rule personal-records; guideline: Communicate with " ..
    "families through district systems"
