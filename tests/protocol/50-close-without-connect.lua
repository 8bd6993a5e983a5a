-- 50-close-without-connect.lua - connections that end before connect,
-- right after negotiation, or in the middle of a message (no abort);
-- the daemon keeps serving afterwards
dofile(lib)

-- close before anything at all, politely and abruptly
local conn = mt.connect(socket, 40, 0.25)
check(conn ~= nil, "mt.connect() failed")
mt.disconnect(conn)
conn = mt.connect(socket, 40, 0.25)
check(conn ~= nil, "mt.connect() failed")
mt.disconnect(conn, false)

-- negotiated, then gone without connect information
conn = mt.connect(socket, 40, 0.25)
check(conn ~= nil, "mt.connect() failed")
check(mt.negotiate(conn, nil, nil, nil) == nil, "mt.negotiate() failed")
mt.disconnect(conn)

-- in the middle of a message, without abort
conn = open()
mail(conn, "PROTOCLS1", "<rivera@district.example>", { "<parent@gmail.com>" })
check(mt.header(conn, "Subject", "grades") == nil, "mt.header() failed")
mt.disconnect(conn, false)

-- still serving
conn = open()
mail(conn, "PROTOCLS2", "<rivera@district.example>", { "<parent@gmail.com>" })
content(conn, { { "Subject", "grades" } })
expect_reply(conn, SMFIR_REPLYCODE, "end of message after the closes")
mt.disconnect(conn)
