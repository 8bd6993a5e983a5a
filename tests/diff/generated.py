"""generated.py - the differential test's generated messages: the edge
cases of how a message file becomes header fields and a body, and the
benchmark's message generator (bench/gen_data.py, plain and HTML types)

messages(srcdir) returns {name: bytes}; the corpus names them gen:NAME.
Everything is fixed: two runs make the same bytes.
"""

import importlib.util
import os
import random

FROM = b"From: Ana Rivera <rivera@district.example>\n"
TO = b"To: <parent@gmail.com>\n"


def simple(subject_line, body=b"Hello.\n", extra=b""):
    return FROM + TO + subject_line + b"\n" + extra + b"\n" + body


def guardians(fields):
    """a teacher's message with these To and Cc fields"""
    return (b"From: Maria Teach <teach@district.example>\n" + fields
            + b"Subject: Reading log\n\nHello.\n")


# name -> message: one edge case each
CASES = {
    # white space after the colon: Postfix removes one space, never a tab
    "subject-tab": simple(b"Subject:\tGrades for Sam"),
    "subject-space": simple(b"Subject: Grades for Sam"),
    "subject-two-spaces": simple(b"Subject:  Grades for Sam"),
    "subject-space-tab": simple(b"Subject: \tGrades for Sam"),
    "subject-no-space": simple(b"Subject:Grades for Sam"),
    "subject-empty": simple(b"Subject:"),
    "subject-only-space": simple(b"Subject: "),
    "subject-trailing-space": simple(b"Subject: Your grades   "),
    # white space between the name and the colon (RFC 822 obs-header)
    "subject-space-before-colon": simple(b"Subject : Grades for Sam"),
    # folded fields: Postfix joins the lines with a bare LF
    "subject-folded": simple(b"Subject: Your\n grades for the term"),
    "subject-folded-tab": simple(b"Subject: Your\n\tgrades"),
    "subject-folded-first-line-empty": simple(b"Subject:\n Grades for Sam"),
    "subject-folded-crlf": (b"From: rivera@district.example\r\n"
                            b"To: parent@gmail.com\r\n"
                            b"Subject: Your\r\n grades\r\n\r\nHello.\r\n"),
    "to-folded-list": (FROM + b"To: <a@district.example>,\n"
                       b"\t<parent@gmail.com>,\n <kid@students.district."
                       b"example>\nSubject: Hello\n\nHello.\n"),
    # 8-bit bytes and encoded words
    "subject-utf8": simple("Subject: Zeugnis f\u00fcr Sam \u2013 Noten".encode()),
    "subject-latin1": simple(b"Subject: Zeugnis f\xfcr Sam"),
    "subject-encoded-b": simple(b"Subject: =?UTF-8?B?R3JhZGVzIGZvciBTYW0=?="),
    "subject-encoded-q": simple(
        b"Subject: =?ISO-8859-1?Q?Zeugnis_f=FCr_Sam?= grades"),
    "subject-encoded-folded": simple(
        b"Subject: =?UTF-8?Q?Your?=\n =?UTF-8?Q?_grades?="),
    "body-8bit": simple(b"Subject: Hello",
                        body="Gr\u00fc\u00dfe, f\u00fcr Sam.\n".encode()
                        + b"\xff\xfe raw bytes\n"),
    "from-utf8-name": (b"From: =?UTF-8?Q?Ana_Rivera?= <rivera@district.example>"
                       b"\nTo: Jos\xc3\xa9 <parent@gmail.com>\n"
                       b"Subject: Hello\n\nHello.\n"),
    # header structure
    "duplicate-subject": simple(b"Subject: Lunch menu",
                                extra=b"Subject: Grades for Sam\n"),
    "subject-lowercase-name": simple(b"subject: Grades for Sam"),
    "x-priority": simple(b"Subject: Hello", extra=b"X-Priority: 1\n"),
    "x-test-stop": simple(b"Subject: Hello", extra=b"X-Test-Stop: yes\n"),
    "x-test-busy": simple(b"Subject: Hello", extra=b"X-Test-Busy: 1\n"),
    "header-empty-value-tab": simple(b"Subject: Hello",
                                     extra=b"X-Priority:\t\n"),
    "long-subject": simple(b"Subject: " + b"x" * 900 + b" grades"),
    "no-blank-line-body": FROM + TO + b"Subject: grades\nnot a header line\n"
                          b"more body\n",
    "no-trailing-newline": simple(b"Subject: Hello", body=b"Hello."),
    "headers-only-no-body": FROM + TO + b"Subject: Grades\n",
    "bare-cr-body": simple(b"Subject: Hello", body=b"one\rtwo\r\n.\r\n..x\n"),
    "mbox-from-line": b"From rivera@district.example Tue May 14 08:15:40 "
                      b"2024\n" + simple(b"Subject: Grades"),
    "empty-message": b"",
    # sizes around the size rules (5K, 300 bytes) and a large body
    "size-small": b"Subject: a\n\nb\n",
    "size-near-5k": simple(b"Subject: Hello", body=b"y" * 4850 + b"\n"),
    "size-big-body": simple(b"Subject: Hello",
                            body=(b"z" * 76 + b"\n") * 3000),
    # how guardians are shown in Cc: To and Cc as a mail program reads
    # them (messages to the roster's Sam Lee, guardian alex.lee@gmail.com)
    "guardians-cc-unclosed-comment": guardians(
        b"To: Sam <sam.lee@students.district.example>\n"
        b"Cc: (unclosed comment, alex.lee@gmail.com\n"),
    "guardians-to-name-is-an-address": guardians(
        b"To: alex.lee@gmail.com <sam.lee@students.district.example>\n"),
    "guardians-cc-open-quote": guardians(
        b"To: sam.lee@students.district.example\n"
        b"Cc: \"Office <office@district.example>\n"),
    "guardians-cc-appended": guardians(
        b"To: sam.lee@students.district.example\n"
        b"Cc: \"Lee, Jo\" <office@district.example> (desk)\n"),
    "guardians-to-past-the-bound": guardians(
        b"To: " + b",".join(b"a%d@x.example" % i for i in range(6000))
        + b"\nTo: " + b",".join(b"b%d@x.example" % i for i in range(4000))
        + b", sam.lee@students.district.example, alex.lee@gmail.com\n"),
    # limits: more header fields than BOUND_HEADER_COUNT
    "many-headers": simple(b"Subject: many", extra=b"".join(
        b"X-Filler-%d: x\n" % i for i in range(1100))),
}


def bench_messages(srcdir):
    """the benchmark's plain and HTML messages, every envelope class"""
    path = os.path.join(srcdir, "bench", "gen_data.py")
    spec = importlib.util.spec_from_file_location("gen_data", path)
    gd = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gd)
    out = {}
    for mtype in ("plain", "html"):
        for cls in sorted(gd.CLASSES):
            rng = random.Random("%d-%s-%s" % (gd.SEED, mtype, cls))
            out["bench-%s-%s" % (mtype, cls)] = gd.message(
                rng, mtype, cls, None).encode()
    return out


def messages(srcdir):
    out = dict(CASES)
    out.update(bench_messages(srcdir))
    return out
