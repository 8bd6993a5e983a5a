-- 67-large-header.lua - header fields larger than libmilter's default
-- packet (65535 bytes) reach the filter: a 90 KB field is inspected
-- whole, a 110 KB one passes the 100 KB header-size limit and the limit
-- rule answers; the connection is never dropped.
--
-- miltertest copies a header field through a 1024-byte buffer (it
-- crashes on larger ones), so the fields are sent by rawclient.pl: a
-- message to parent@gmail.com whose Subject is SIZE bytes long and ends
-- in "grades"; it prints the answer to end of message, or "closed".
dofile(lib)

local here = string.gsub(lib, "/[^/]*$", "")
local path = string.gsub(socket, "^unix:", "")

-- raw - rawclient.pl's answer for a Subject of size bytes
local function raw(size)
	local p = io.popen(string.format("perl '%s/rawclient.pl' '%s' %d 2>&1",
	    here, path, size))
	check(p ~= nil, "cannot run rawclient.pl")
	local out = p:read("*a")
	p:close()
	return out
end

-- 90 KB: inspected whole, the reject rule sees "grades" at its end
local out = raw(90 * 1024)
check(string.find(out, "^replycode 550%-5%.7%.1 " .. REJECT_LINE) ~= nil,
    "a 90 KB Subject was not inspected whole: " .. out)

-- 110 KB: over the header-size limit (the stored value is cut before
-- "grades"), so the <limit-exceeded> rule decides
out = raw(110 * 1024)
check(string.find(out, "^replycode 451%-4%.7%.1 This message could not " ..
    "be checked completely%.") ~= nil,
    "the header-size rule did not answer a 110 KB Subject: " .. out)
check(string.find(out, "Rule oversized;", 1, true) ~= nil,
    "the reply does not cite the limit rule: " .. out)
