-- 68-body-read.lua - a rule reads the decoded body: grades written in a
-- base64 body to a gmail.com recipient are refused, while the same body
-- to another recipient (whom no body rule may match) is accepted
dofile(lib)

local body = "WW91ciBjaGlsZCdzIGdyYWRlcyBmb3IgdGhlIHRlcm0u\r\n"
local headers = {
	{ "From", "Ms. Rivera <rivera@district.example>" },
	{ "Subject", "Term news" },
	{ "MIME-Version", "1.0" },
	{ "Content-Type", "text/plain; charset=utf-8" },
	{ "Content-Transfer-Encoding", "base64" },
}

local conn = open()
mail(conn, "PROTOBODYREAD1", "<rivera@district.example>",
    { "<parent@gmail.com>" })
content(conn, headers, body)
expect_reply(conn, SMFIR_REPLYCODE, "end of message (grades in base64)")
check(mt.eom_check(conn, MT_SMTPREPLY, "550-5.7.1",
    REJECT_LINE .. "\r\n550 5.7.1 Rule personal-records-in-body; " ..
    "guideline: Communicate with families through district systems"),
    "the reply does not cite personal-records-in-body")
mt.disconnect(conn)

conn = open()
mail(conn, "PROTOBODYREAD2", "<rivera@district.example>",
    { "<family@example.net>" })
content(conn, headers, body)
expect_reply(conn, SMFIR_ACCEPT, "end of message (not to gmail.com)")
mt.disconnect(conn)
