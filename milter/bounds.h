/*
 * bounds.h - every input limit in one place, with its default and reason
 *
 * Exceeding a limit on mail data never fails the message by itself: the
 * message records a MESSAGE_LIMIT_* flag (see message.h) that rules can act
 * on with <limit-exceeded>, and the excess is counted but not stored.
 */
#ifndef GUARDIAN_BOUNDS_H
#define GUARDIAN_BOUNDS_H

/* One envelope address. RFC 5321 caps a path at 256 octets; be generous. */
#define BOUND_ADDRESS_BYTES 1024

/* Envelope recipients kept per message. Postfix's default is 1000. */
#define BOUND_RCPT_COUNT 1000

/* One header field, name plus value. RFC 5322 lines are <= 998 octets,
 * but long folded fields (References, DKIM) are common; Postfix's default
 * header_size_limit is 102400. */
#define BOUND_HEADER_BYTES 102400

/* Header fields kept per message. */
#define BOUND_HEADER_COUNT 1000

/* All header fields together. */
#define BOUND_HEADERS_TOTAL (1024 * 1024)

/* A milter macro value ({daemon_name}, {auth_authen}, ...). */
#define BOUND_MACRO_BYTES 1024

/* Body bytes kept in memory before the spool moves to a temporary file. */
#define BOUND_BODY_MEMORY (1024 * 1024)

/* Body bytes stored at all; beyond this only the size is counted. Matches
 * a generous message_size_limit (Postfix defaults to 10240000). */
#define BOUND_BODY_BYTES (64 * 1024 * 1024)

/* The header fields of a message a rule may hold, kept as received
 * (with their CRLFs) so that a released message is the message sent:
 * twice BOUND_HEADERS_TOTAL leaves room for the line breaks of folded
 * fields. A header past it cannot be held whole: the quarantine fails
 * closed (tempfail), it never holds or discards a cut copy. */
#define BOUND_HELD_HEADER_BYTES (2 * BOUND_HEADERS_TOTAL)

/* Notices to one sender per hour: a staff member who sends the same
 * held message again and again gets a few notices, not a flood, and a
 * forged sender cannot make the filter mail one address without end. */
#define BOUND_NOTICES_PER_HOUR 10

/* SMTP reply: libmilter accepts at most 32 lines in smfi_setmlreply; a
 * reply line is at most 512 octets with its code (RFC 5321 4.5.3.1.5);
 * wrap text at a width a mail client shows without scrolling. */
#define BOUND_REPLY_LINES 32
#define BOUND_REPLY_WIDTH 72
#define BOUND_REPLY_TEXT 8192

/* PCRE2 work per match: caps catastrophic backtracking on hostile input. */
#define BOUND_REGEX_MATCH_LIMIT 1000000
#define BOUND_REGEX_DEPTH_LIMIT 10000

/* Configuration: errors reported before giving up, include nesting, rules,
 * and the size of one configuration file. */
#define BOUND_CONFIG_ERRORS 50
#define BOUND_INCLUDE_DEPTH 8
#define BOUND_RULES 10000
#define BOUND_CONFIG_BYTES (16 * 1024 * 1024)

/* Detectors (<detectors>): how many, regex patterns in all (one
 * Vectorscan database holds them; its compile time grows with them), and
 * one keyword dictionary's size and line. Over a limit is a
 * configuration error: nothing is dropped silently. */
#define BOUND_DETECTORS 1000
#define BOUND_DETECT_PATTERNS 10000
#define BOUND_KEYWORD_FILE_BYTES (16 * 1024 * 1024)
#define BOUND_KEYWORD_LINE_BYTES 1024

/* Nesting of <all>/<any>/<not> inside one rule. */
#define BOUND_CONDITION_DEPTH 32

/* One CSV file (the roster export). One field: OneRoster's longest cells
 * are id lists (agentSourcedIds, orgSourcedIds), and 64 KiB holds about
 * 1,500 UUIDs. One record, all fields together (with a NUL after each).
 * Fields per record: OneRoster 1.2 users.csv has 23 columns and vendors
 * add extension columns, never hundreds. One file: the largest US
 * districts export enrollments.csv files of a few hundred MB; past this
 * the file is refused, not truncated. */
#define BOUND_CSV_FIELD_BYTES (64 * 1024)
#define BOUND_CSV_RECORD_BYTES (1024 * 1024)
#define BOUND_CSV_FIELDS 1024
#define BOUND_CSV_FILE_BYTES (1024ULL * 1024 * 1024)

/* The roster. Records in one table (users, roles, enrollments, ...): the
 * largest US districts have about a million users and a few million
 * enrollments, and indexes are 32-bit; past this the load fails. Export
 * directories per load: one bulk plus deltas. */
#define BOUND_ROSTER_RECORDS 8000000
#define BOUND_ROSTER_DIRS 64

/* Virtual aliases (aliases.h): the district's lists and aliases, read
 * from the text file the MTA's virtual_alias_maps is built from. One
 * file: a table that names every list of a large district with all its
 * members is a few MB; past this the file is refused (an error, the
 * directory keeps serving the one before), never read in part. One
 * logical line, a key with its continuation lines: a list of some
 * 20,000 members; past this the entry is an error. */
#define BOUND_ALIAS_FILE_BYTES (64 * 1024 * 1024)
#define BOUND_ALIAS_LINE_BYTES (1024 * 1024)

/* Expanding the recipients of one message, as Postfix's cleanup(8)
 * does with virtual_alias_maps. Nesting: lookups in a row from an
 * envelope recipient to an address that is no key (a district list of
 * schools of grades of classes is four or five); a chain longer than
 * this is a loop or a mistake. Postfix's own virtual_alias_recursion_limit
 * is 1000, and Postfix defers mail to a loop. Members: the addresses read
 * from the table while expanding one message's recipients, lists within
 * lists included; ten times Postfix's virtual_alias_expansion_limit
 * (1000 per recipient), so that mail to a few whole-school lists fits,
 * while the rules' work on a message stays bounded. Passing either
 * bound loses recipients the rules never saw: the message fails closed
 * (PIPELINE_RCPTS_LOST), it is never passed. */
#define BOUND_ALIAS_DEPTH 20
#define BOUND_ALIAS_MEMBERS 10000

/* One rendered log line, verdict JSON, or diagnostic. */
#define BOUND_LOG_LINE 4096
/* One untrusted value in a log line (an address, quoted and escaped):
 * a whole envelope address with room for its escapes. */
#define BOUND_LOG_VALUE (2 * BOUND_ADDRESS_BYTES + 8)
#define BOUND_DIAG_TEXT 1024
/* The report of guardianctl test, text or JSON: a message to lists of
 * BOUND_ALIAS_MEMBERS students adds two or three guardians each, every
 * one with a reason line of about 150 bytes. */
#define BOUND_RENDER_BYTES (8 * 1024 * 1024)

/* One milter packet the daemon reads (libmilter's smfi_setmaxdatasize()).
 * libmilter's default, 65535, drops the connection on a header field of
 * about 64 KiB, before BOUND_HEADER_BYTES can act; MTAs send a field in
 * one packet whatever its size (Postfix up to its header_size_limit,
 * Sendmail anything). 1 MiB - 1 is libmilter's largest negotiated size
 * (MILTER_MDS_1M) and leaves room for a field well past
 * BOUND_HEADER_BYTES to arrive, be counted and set the limit. (An MTA
 * that offers SMFIP_MDS_256K makes libmilter lower it to 256 KiB - 1,
 * still above BOUND_HEADER_BYTES.) */
#define BOUND_MILTER_DATA_BYTES (1024 * 1024 - 1)

/* Stopping (SIGTERM). A message whose content is flowing ends in well
 * under a second; one whose SMTP client is still sending DATA can take
 * minutes, and a stop must not hang on it. The worker keeps its socket
 * open but answers tempfail to every new message, on a new connection or
 * one still open, and gives the messages in flight this long to end;
 * then it exits and the MTA applies its own default to what is left
 * (Postfix: milter_default_action, tempfail unless set otherwise). 20 s stays
 * below Postfix's 30 s milter_command_timeout. The supervisor kills a
 * worker that outlasts it by BOUND_STOP_KILL_MARGIN seconds; a service
 * manager's stop timeout must be longer than both (the unit: 45 s). */
#define BOUND_DRAIN_SECONDS 20
#define BOUND_STOP_KILL_MARGIN 10

/* A worker whose files do not build serves no policy: every message is
 * answered tempfail. It builds again this often, and at once on SIGHUP:
 * often enough that a repaired file serves within seconds, rarely
 * enough that a large roster failing again and again does not load the
 * machine. */
#define BOUND_NO_POLICY_RETRY 10

/* The socket spec read from the configuration (a unix path is at most
 * 107 bytes, a host name 255). */
#define BOUND_SOCKET_SPEC 1024

/* Addresses read from the address fields of one message, for each
 * group of fields read together (the authors, From and Sender; the
 * recipients shown, To and Cc): ten times the envelope recipient bound.
 * A message has been seen with 134,000 short addresses in 17 To fields;
 * reading them all cost 25 s of CPU, so the work is bounded, and passing
 * the bound is reported, never truncated, and fails closed: unread
 * authors count as staff, and unread To and Cc fields show no guardian,
 * who is then shown in Cc again. */
#define BOUND_HEADER_ADDRESSES 10000

/* ':' characters in one address field. GMime reads nested groups
 * ("a: b: c: ...") by recursion, about 200 bytes of stack a level, and
 * each level needs a ':'; a field of 100 KB could otherwise nest 50,000
 * deep and overflow a thread's stack. RFC 5322 groups do not nest, and
 * real fields hold a handful (a group, an IPv6 literal, a quoted "Re:"). */
#define BOUND_HEADER_ADDRESS_COLONS 256

/* The MIME view of a message (content.h). Each bound passed is a finding
 * on the view ("not inspected: ..."), a <limit-exceeded> name for rules,
 * never a silent cut.
 *
 * Nesting: forwarded messages and alternative/related/mixed wrappers
 * rarely go past 6 levels in real mail; Postfix refuses past 100
 * (mime_nesting_limit). Parts deeper than this are listed as not
 * inspected and not read. (GMime itself stops recursing at 1,024.) */
#define BOUND_MIME_DEPTH 32

/* Parts per message, every multipart, message and leaf counted: mail
 * with a few hundred attachments exists, a thousand does not. */
#define BOUND_MIME_PARTS 1000

/* Lines starting with "--" (possible boundary lines) that GMime's parser
 * is given. GMime builds an object of about 1.3 KB for each part before
 * any bound of ours can look at the tree, so a 10 MB body of tiny parts
 * would cost 1.3 GB; past this many such lines the parser sees the end
 * of the message (about 13 MB at most) and the rest is not inspected.
 * Ten times BOUND_MIME_PARTS leaves room for "-- " signatures, SQL
 * comments and dashed rules in text. */
#define BOUND_MIME_BOUNDARY_LINES (10 * BOUND_MIME_PARTS)

/* Lines that could be header fields (a name, then ':'), anywhere in
 * the head and body the parser is given. GMime makes an object of about
 * 400 bytes for each field of a part's header before any bound of ours
 * can look at it, so one "--b" line followed by 10 MB of "a:b" lines
 * cost about 1 GB, and a 64 MB body could exhaust memory (GLib aborts
 * then). Past this many such lines the parser sees the end of the
 * message (about 20 MB of fields at most) and the rest is not
 * inspected. Fifty a part for BOUND_MIME_PARTS parts, plus the message
 * header (BOUND_HEADER_COUNT), leaves room for text lines like
 * "Note: ..." in real mail. */
#define BOUND_MIME_FIELD_LINES (50 * BOUND_MIME_PARTS)

/* Decoded text kept for rules, all text parts together: the text of a
 * few thousand pages. A regex over it takes about 50 ms (JIT) to 250 ms
 * (interpreter). Text past it is not inspected. */
#define BOUND_MIME_TEXT_BYTES (8 * 1024 * 1024)

/* Work. The MIME parse itself has no clock bound: a wall-clock limit
 * would make the daemon and guardianctl answer differently for the same
 * message under different load. Its work is linear and bounded instead:
 * the parser reads the stored body once (at most BOUND_BODY_BYTES, cut
 * at BOUND_MIME_BOUNDARY_LINES and BOUND_MIME_FIELD_LINES), and what is
 * decoded stays under BOUND_MIME_TEXT_BYTES of text and the
 * BOUND_EXTRACT_* bounds below. A 1 MB message is viewed in a few
 * milliseconds. The one clock is the PDF reader's (BOUND_PDF_SECONDS):
 * a PDF can make any reader work for minutes, and a PDF it stopped is a
 * finding (mime-time), never silence. */

/* Text from attachments (extract.h). Each bound passed is a finding.
 *
 * One attachment decoded to be read: mail systems refuse messages over
 * 25 MB (Gmail, Microsoft 365), so a larger attachment is not one real
 * mail carries; BOUND_BODY_BYTES allows up to 48 MB of base64. */
#define BOUND_EXTRACT_PART_BYTES (32 * 1024 * 1024)

/* Bytes inflated from all the archives (zip, XLSX, DOCX, ODS, ...) of
 * one message together, counted as they are read, not as the archive
 * declares them: an office document of a few hundred pages inflates to
 * a few MB of XML; 64 MB is a hundred such documents, and what a
 * message costs in memory at most (one member is held at a time, nested
 * ones inside their parent). */
#define BOUND_EXTRACT_INFLATED_BYTES (64 * 1024 * 1024)

/* Inflated size of one archive member against its compressed size.
 * XML and text compress 5 to 50 times, a spreadsheet's repeated XML up
 * to about 150; a zip bomb relies on deflate's ceiling of about 1,000.
 * A member that declares more, or inflates to more while read, is a
 * finding and is read no further. */
#define BOUND_EXTRACT_RATIO 200
/* ... judged only past this size: a member of 1 MB costs nothing, and
 * a sheet of empty styled cells compresses more than 200 times. */
#define BOUND_EXTRACT_RATIO_FLOOR (1024 * 1024)

/* Members of one archive looked at: an office document holds a few
 * dozen, a folder of class work a few hundred. The central directory
 * costs libzip about 100 bytes a member. */
#define BOUND_EXTRACT_ENTRIES 1000

/* Archives inside archives (a zip holding a zip holding an XLSX, the
 * XLSX itself counting as one): three levels leave room for a folder
 * of office documents zipped twice. */
#define BOUND_EXTRACT_DEPTH 3

/* Spreadsheet cells and document paragraphs read from one message: a
 * class list is a few thousand cells, a district export a few hundred
 * thousand. A sheet's declared <dimension> is never trusted; cells are
 * counted as they are read, so a billion-cell sheet costs the cells
 * before the bound and no more. */
#define BOUND_EXTRACT_CELLS 1000000

/* The PDF reader (guardian-pdftext) runs as a process of its own, one
 * per PDF, never inside the filter: poppler parses hostile input. Its
 * wall clock (after which it is killed: poppler can spend minutes on
 * one crafted page), its CPU seconds, its address space (poppler needs
 * 50-200 MB for ordinary documents) and how many run at once (the
 * machine's cores; a message waits at most BOUND_PDF_SECONDS for a
 * slot, then its PDF is a finding). */
#define BOUND_PDF_SECONDS 5
#define BOUND_PDF_CPU_SECONDS 5
#define BOUND_PDF_MEMORY (512 * 1024 * 1024)
#define BOUND_PDF_HELPERS 2

/* The review pages (guardian-review(8)). */
/* Sessions at once: a district's few reviewers, with room; a full table
 * refuses a new sign-in (503) rather than drop a reviewer's session. */
#define BOUND_REVIEW_SESSIONS 256
/* A POST's form: a reason (BOUND_REPLY_TEXT) escaped three times over,
 * and the other fields; a larger body is refused (413). */
#define BOUND_REVIEW_FORM (4 * BOUND_REPLY_TEXT)
/* A request's URL with its query; longer ones are refused (414). */
#define BOUND_REVIEW_URL 4096
/* A filter value (sender, recipient, rule, text). */
#define BOUND_REVIEW_FIELD 256
/* Rows a queue page shows: the newest this many of those selected; the
 * page says how many it left out, so nothing is hidden silently. */
#define BOUND_REVIEW_ROWS 500
/* Distinct rules counted on a queue or summary page; more are summed
 * as "other rules". */
#define BOUND_REVIEW_RULES 64
/* Decoded text a message page shows, all parts together: far more than
 * a reviewer reads; past it the page says where it stopped and the whole
 * message stays downloadable, so nothing is lost. */
#define BOUND_REVIEW_TEXT (1024 * 1024)
/* One page's HTML: the text above escaped up to six times over, and the
 * rest of the page; a page past it is answered 500, never cut. With
 * BOUND_REVIEW_CONNECTIONS answers waiting to be sent, at most 64 such
 * pages are held at once. */
#define BOUND_REVIEW_PAGE (6 * BOUND_REVIEW_TEXT + 1024 * 1024)
/* Audit log read for a page: its last 4 MB, newest first; and the
 * lines shown of what the filter selects. */
#define BOUND_REVIEW_AUDIT_BYTES (4 * 1024 * 1024)
#define BOUND_REVIEW_AUDIT_LINES 2000
/* Failed sign-ins from one client address, and for one user name (in
 * the authenticating helper), within BOUND_REVIEW_THROTTLE_SECONDS
 * before further attempts are refused unchecked. */
#define BOUND_REVIEW_FAILURES 5
#define BOUND_REVIEW_THROTTLE_SECONDS 900
/* Client addresses and user names the throttles remember; the oldest
 * entry makes room. */
#define BOUND_REVIEW_THROTTLE_SLOTS 256
/* HTTP: connections at once, per client address, seconds a connection
 * may stay idle, threads answering, memory per connection. */
#define BOUND_REVIEW_CONNECTIONS 64
#define BOUND_REVIEW_PER_IP 16
#define BOUND_REVIEW_TIMEOUT 15
#define BOUND_REVIEW_THREADS 4
#define BOUND_REVIEW_CONN_MEMORY (64 * 1024)

#endif /* GUARDIAN_BOUNDS_H */
