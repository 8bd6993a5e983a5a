-- guardians.lua - with the directory loaded, a teacher's mail to an
-- elementary student gets the student's parent as a recipient
-- (smfi_addrcpt) and in Cc beside the existing one (smfi_chgheader);
-- two families' parents become blind copies with a note
dofile(lib)

local conn = open()
mail(conn, "PROTOGRD1", "<teach@district.example>",
    { "<sam.lee@students.district.example>" })
content(conn, {
	{ "From", "teach@district.example" },
	{ "To", "sam.lee@students.district.example" },
	{ "Cc", "other@district.example" },
	{ "Subject", "Homework" },
})
expect_reply(conn, SMFIR_ACCEPT, "one family")
check(mt.eom_check(conn, MT_RCPTADD, "<alex.lee@gmail.com>"),
    "the parent was not added as a recipient")
check(mt.eom_check(conn, MT_HDRCHANGE, "Cc",
    "other@district.example, alex.lee@gmail.com"),
    "Cc was not set to the existing copy and the parent")

mail(conn, "PROTOGRD2", "<teach@district.example>",
    { "<sam.lee@students.district.example>",
      "<omar.kim@students.district.example>" })
content(conn, { { "Subject", "Homework" } })
expect_reply(conn, SMFIR_ACCEPT, "two families")
check(mt.eom_check(conn, MT_RCPTADD, "<alex.lee@gmail.com>") and
    mt.eom_check(conn, MT_RCPTADD, "<hana.kim@example.org>"),
    "both families' parents were not added")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Cc"),
    "Cc was changed although the families must not see each other")
check(mt.eom_check(conn, MT_HDRADD, "X-Guardian-Copied"),
    "the blind-copy note was not added")
mt.disconnect(conn)
