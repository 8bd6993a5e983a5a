-- 80-no-reply.lua - an MTA that offers every protocol option, as Postfix
-- does: the filter drops HELO, takes no-reply for connect, recipients,
-- header fields and end of header, and still decides at end of message
dofile(lib)

local conn = mt.connect(socket, 40, 0.25)
check(conn ~= nil, "mt.connect() failed")
check(mt.negotiate(conn, nil, nil, nil) == nil, "mt.negotiate() failed")
for name, opt in pairs({ NOHELO = SMFIP_NOHELO, NR_CONN = SMFIP_NR_CONN,
    NR_RCPT = SMFIP_NR_RCPT, NR_HDR = SMFIP_NR_HDR, NR_EOH = SMFIP_NR_EOH }) do
	check(mt.test_option(conn, opt), "the filter did not take " .. name)
end
-- the reply to MAIL FROM and to the body is still wanted
check(not mt.test_option(conn, SMFIP_NR_MAIL), "the filter took NR_MAIL")
check(not mt.test_option(conn, SMFIP_NR_BODY), "the filter took NR_BODY")

check(mt.conninfo(conn, "client.example", "192.0.2.10") == nil,
    "mt.conninfo() failed")
check(mt.macro(conn, SMFIC_MAIL, "i", "PROTONR1") == nil,
    "mt.macro(MAIL) failed")
check(mt.mailfrom(conn, "<rivera@district.example>") == nil,
    "mt.mailfrom() failed")
expect_reply(conn, SMFIR_CONTINUE, "MAIL FROM")
check(mt.rcptto(conn, "<parent@gmail.com>") == nil, "mt.rcptto() failed")
check(mt.header(conn, "From", "Ms. Rivera <rivera@district.example>") == nil,
    "mt.header() failed")
check(mt.header(conn, "Subject", "Your child's grades") == nil,
    "mt.header() failed")
check(mt.eoh(conn) == nil, "mt.eoh() failed")
check(mt.bodystring(conn, "Hello.\r\n") == nil, "mt.bodystring() failed")
-- the configuration has a rule on every input limit, body size
-- included, so the body is read, not skipped
expect_reply(conn, SMFIR_CONTINUE, "body")
check(mt.eom(conn) == nil, "mt.eom() failed")
expect_reply(conn, SMFIR_REPLYCODE, "end of message")
check(mt.eom_check(conn, MT_SMTPREPLY, "550-5.7.1",
    REJECT_LINE .. "\r\n550 5.7.1 " .. REJECT_CITE),
    "the reject reply is not the rule's text")
mt.disconnect(conn)
