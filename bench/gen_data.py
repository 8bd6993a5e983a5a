#!/usr/bin/python3
"""gen_data.py - generate the benchmark's data: messages, mixes, rule sets
and (unless the tests ship a generator) a OneRoster CSV roster.

Usage: gen_data.py OUTDIR [--roster-generator tests/gen_roster.py]
                   [--roster-persons N ...]

Rosters are written by the project's generator when one is given (the
one the roster tests use), else by write_roster() below. The envelope
addresses are taken from the roster of 26,000 persons (10,000 students)
when there is one: a staff member, an elementary student with guardians,
one of those guardians; see pick_addresses(). Everything is derived from
fixed seeds, so two runs write the same bytes.
Layout of OUTDIR:
  msgs/TYPE-CLASS.eml       one message per (type, class), LF line ends
  manifest.tsv              type class from rcpt file expected-outcome
  mixes.tsv                 mix class sessions (20 smtp-source sessions)
  rules/rules-N.xml         N generated rules (10, 100, 1000), the same
                            as rules-N.inc.xml to include, and
  rules/empty.xml           a configuration without rules
  roster/PERSONS/           OneRoster 1.1 CSV (when asked for)
  roster/PERSONS.tsv        addresses picked from that roster

Message types (the issue's mix): plain (4 KB text), html (40 KB HTML with an
inline image), attach (400 KB with a CSV and an XLSX naming students), big
(4 MB with a PDF).

Envelope classes, as seen by the shipped policy (rules/guardian-milter.xml):
  internal   staff to staff (district.example both sides)
  inbound    outside sender to staff
  student    staff to an elementary student: the policy copies the
             student's guardians (elementary-middle-include-guardians)
  family     staff to one of that student's guardians
  outside    staff to a partner organisation
  reject     staff to a personal address (not in the roster) with a
             student-record subject: the policy rejects it (rule
             student-records-to-personal-account)
"""

import base64
import io
import os
import random
import sys
import zipfile

SEED = 4242
SCHOOLS = 20

FIRST = ("Ava Liam Noah Emma Olivia Mia Lucas Amelia Ethan Harper Mason "
         "Evelyn Logan Abigail Elijah Emily Aiden Ella James Aria Jackson "
         "Scarlett Sofia Grace Leo Chloe Wyatt Camila Jayden Nora Henry Lily "
         "Owen Zoey Daniel Riley Gabriel Layla Carter Hannah Julian Aubrey "
         "Isaac Luna Levi Penelope Mateo Eleanor Samuel Stella").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez "
        "Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor "
        "Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
        "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
        "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
        "Mitchell Carter Roberts").split()

WORDS = ("the class will meet in the library on thursday please bring your "
         "permission slip field trip schedule science fair project reading "
         "log homework assignment math unit review quiz next week lunch "
         "menu volunteer conference parent teacher band concert practice "
         "after school club art supplies reminder thank you for your help "
         "with the bake sale our students did a wonderful job").split()

def guardian_email(j):
    """The address of guardian number j in the generated rosters."""
    return "%s.%s%d@gmail.com" % (FIRST[(j * 7919) % len(FIRST)].lower(),
                                  LAST[(j * 104729) % len(LAST)].lower(), j)


def first_guardian(i):
    """Student i has 1 + i % 2 guardians, numbered in student order."""
    return i + i // 2


# Addresses when there is no roster to take them from.
DEFAULT_ADDRS = {
    "staff": "t.garcia@district.example",
    "staff2": "m.lee@district.example",
    "student": "s%06d@students.district.example" % 42,
    "guardian": guardian_email(first_guardian(42)),
}
PERSONAL_ADDR = "pat.smith1987@gmail.com"  # in no roster: "personal"

SUBJECTS = {
    "internal": "Staff meeting agenda for Thursday",
    "inbound": "Field trip booking confirmation",
    "student": "Reading log due Friday",
    "family": "Volunteer schedule for the bake sale",
    "outside": "Field trip for grade 4 on May 12",
    "reject": "Report card for Ava Smith",
}


def classes(addrs):
    """class: (from, rcpt, subject) for the picked addresses"""
    st = addrs["staff"]
    return {
        "internal": (st, addrs["staff2"], SUBJECTS["internal"]),
        "inbound": ("events@museum.example", st, SUBJECTS["inbound"]),
        "student": (st, addrs["student"], SUBJECTS["student"]),
        "family": (st, addrs["guardian"], SUBJECTS["family"]),
        "outside": (st, "bookings@museum.example", SUBJECTS["outside"]),
        "reject": (st, PERSONAL_ADDR, SUBJECTS["reject"]),
    }


CLASSES = classes(DEFAULT_ADDRS)


def pick_addresses(rdir):
    """From a OneRoster 1.1 users.csv: two active staff members, an active
    elementary student (KG-05) with an active guardian at a non-district
    address, and that guardian. None when the roster has no such people."""
    import csv
    path = os.path.join(rdir, "users.csv")
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))

    def ok(u):
        return (u.get("status", "active") in ("active", "") and
                u.get("enabledUser", "true").lower() != "false" and
                "@" in u.get("email", ""))
    by_id = {u["sourcedId"]: u for u in rows}
    staff = [u["email"] for u in rows
             if ok(u) and u.get("role") in ("teacher", "administrator")]
    elementary = ("PK", "TK", "KG", "01", "02", "03", "04", "05")
    for u in rows:
        if not ok(u) or u.get("role") != "student" or \
                u.get("grades", "").strip() not in elementary:
            continue
        for gid in u.get("agentSourcedIds", "").split(","):
            g = by_id.get(gid.strip())
            if g and ok(g) and g.get("role") in ("parent", "guardian") and \
                    not g["email"].lower().endswith("district.example"):
                if len(staff) >= 2:
                    return {"staff": staff[0], "staff2": staff[1],
                            "student": u["email"], "guardian": g["email"]}
    return None
EXPECT = {"internal": "accept", "inbound": "accept", "student": "accept",
          "family": "accept", "outside": "accept", "reject": "reject"}

# Sessions of smtp-source per class for the two mixes (20 in all).
# District mix: 70% staff-to-staff or inbound, 30% to students, families
# or outside (one of those six sessions carries the rejected kind).
MIXES = {
    "district": [("internal", 10), ("inbound", 4), ("student", 2),
                 ("family", 2), ("outside", 1), ("reject", 1)],
    "inspected": [("student", 6), ("family", 6), ("outside", 5),
                  ("reject", 3)],
}

TYPES = ("plain", "html", "attach", "big")
TARGET = {"plain": 4 * 1024, "html": 40 * 1024, "attach": 400 * 1024,
          "big": 4 * 1024 * 1024}


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def paragraphs(rng, nbytes):
    out = []
    size = 0
    while size < nbytes:
        p = words(rng, rng.randint(40, 90)).capitalize() + "."
        # wrap at 72 columns
        line, lines = "", []
        for w in p.split():
            if len(line) + len(w) + 1 > 72:
                lines.append(line)
                line = w
            else:
                line = (line + " " + w).strip()
        lines.append(line)
        block = "\n".join(lines) + "\n\n"
        out.append(block)
        size += len(block)
    return "".join(out)[:nbytes]


def b64lines(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\n"


def students(rng, n):
    return [(rng.choice(FIRST), rng.choice(LAST), 100000 + i,
             rng.randint(0, 12)) for i in range(n)]


def csv_students(rows):
    out = ["student_id,first_name,last_name,grade,reading_level,notes"]
    for first, last, sid, grade in rows:
        out.append("%d,%s,%s,%02d,%s,%s" % (sid, first, last, grade,
                                            "ABCDEFGH"[sid % 8],
                                            "needs follow-up" if sid % 7 == 0
                                            else ""))
    return ("\r\n".join(out) + "\r\n").encode()


def xlsx_students(rows):
    """A real (minimal) XLSX workbook with one sheet of student names."""
    sheet = io.StringIO()
    sheet.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main"><sheetData>')
    for r, (first, last, sid, grade) in enumerate(rows, 1):
        sheet.write('<row r="%d"><c r="A%d"><v>%d</v></c>'
                    '<c r="B%d" t="inlineStr"><is><t>%s %s</t></is></c>'
                    '<c r="C%d"><v>%d</v></c></row>'
                    % (r, r, sid, r, first, last, r, grade))
    sheet.write("</sheetData></worksheet>")
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
            '/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://'
            'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r='
            '"http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Roster" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
            '/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 5, 1, 8, 0, 0)), text)
    return buf.getvalue()


def pdf_bytes(rng, nbytes):
    """A valid single-page PDF whose content stream pads it to nbytes."""
    text = []
    size = 0
    y = 750
    while size < nbytes:
        line = "BT /F1 9 Tf 40 %d Td (%s) Tj ET\n" % (y, words(rng, 12))
        y = 750 if y < 60 else y - 11
        text.append(line)
        size += len(line)
    stream = "".join(text).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream +
        b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, xref))
    return out.getvalue()


def png_bytes(rng, nbytes):
    """Bytes that look like a PNG (signature and IHDR) of about nbytes."""
    head = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000100000001000802"
                         "000000d3103f31")
    return head + bytes(rng.getrandbits(8) for _ in range(nbytes - len(head)))


def header_block(rng, cls, mtype, extra):
    frm, rcpt, subject = CLASSES[cls]
    h = [
        "Return-Path: <%s>" % frm,
        "Received: from client.district.example (client.district.example "
        "[192.0.2.10])\n\tby mx.district.example (Postfix) with ESMTPSA id "
        "4Vb1kX3Qz9z1234\n\tfor <%s>; Tue, 14 May 2024 08:15:42 -0400 (EDT)"
        % rcpt,
        "From: Teresa Garcia <%s>" % frm,
        "To: <%s>" % rcpt,
        "Subject: %s" % subject,
        "Date: Tue, 14 May 2024 08:15:40 -0400",
        "Message-ID: <%s.%s.%d@district.example>" % (mtype, cls,
                                                     rng.getrandbits(32)),
        "MIME-Version: 1.0",
    ]
    return "\n".join(h + extra) + "\n\n"


def message(rng, mtype, cls, roster_rows):
    target = TARGET[mtype]
    if mtype == "plain":
        head = header_block(rng, cls, mtype, [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 7bit"])
        return head + paragraphs(rng, target - len(head))
    if mtype == "html":
        b = "=_related_%d" % rng.getrandbits(32)
        head = header_block(rng, cls, mtype, [
            'Content-Type: multipart/related; boundary="%s"' % b])
        html = ("<html><body><p>" +
                paragraphs(rng, 9000).replace("\n\n", "</p>\n<p>") +
                '</p><img src="cid:logo@district.example"></body></html>\n')
        img_len = target - len(head) - len(html) - 400
        img = b64lines(png_bytes(rng, img_len * 3 // 4))
        return (head + "--%s\nContent-Type: text/html; charset=utf-8\n"
                "Content-Transfer-Encoding: 7bit\n\n%s\n--%s\n"
                "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
                "Content-ID: <logo@district.example>\n"
                "Content-Disposition: inline; filename=logo.png\n\n%s--%s--\n"
                % (b, html, b, img, b))
    if mtype == "attach":
        b = "=_mixed_%d" % rng.getrandbits(32)
        head = header_block(rng, cls, mtype, [
            'Content-Type: multipart/mixed; boundary="%s"' % b])
        text = paragraphs(rng, 1500)
        csv = csv_students(roster_rows[:4400])
        xlsx = xlsx_students(roster_rows[:1200])
        parts = (head + "--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
                 % (b, text) +
                 "--%s\nContent-Type: text/csv; name=grades.csv\n"
                 "Content-Transfer-Encoding: base64\nContent-Disposition: "
                 "attachment; filename=grades.csv\n\n%s" % (b, b64lines(csv)) +
                 "--%s\nContent-Type: application/vnd.openxmlformats-"
                 "officedocument.spreadsheetml.sheet; name=class-list.xlsx\n"
                 "Content-Transfer-Encoding: base64\nContent-Disposition: "
                 "attachment; filename=class-list.xlsx\n\n%s--%s--\n"
                 % (b, b64lines(xlsx), b))
        return parts
    # big
    b = "=_mixed_%d" % rng.getrandbits(32)
    head = header_block(rng, cls, mtype, [
        'Content-Type: multipart/mixed; boundary="%s"' % b])
    text = paragraphs(rng, 1200)
    pdf = pdf_bytes(rng, (target - len(head) - 2000) * 3 // 4)
    return (head + "--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
            % (b, text) +
            "--%s\nContent-Type: application/pdf; name=newsletter.pdf\n"
            "Content-Transfer-Encoding: base64\nContent-Disposition: "
            "attachment; filename=newsletter.pdf\n\n%s--%s--\n"
            % (b, b64lines(pdf), b))


# --- generated rule sets -------------------------------------------------

KEYWORDS = ("fundraiser raffle lottery casino bitcoin crypto wager poker "
            "firearm vape tobacco alcohol betting loan payday giftcard "
            "wiretransfer invoice overdue password verify suspended").split()


def rule_xml(i, rng):
    kind = i % 4
    kw = "%s%d" % (KEYWORDS[i % len(KEYWORDS)], i)
    if kind == 0:
        when = ('<header name="Subject" regex="\\b(%s|%s\\s*offer)\\b"/>'
                % (kw, kw))
    elif kind == 1:
        when = ('<sender address="*@district.example"/>'
                '<recipient address="*@%s.example *@mail.%s.example"/>'
                % (kw, kw))
    elif kind == 2:
        when = ('<any><header name="X-Mailer" regex="^%s"/>'
                '<header name="Subject" regex="%s\\d+"/></any>' % (kw, kw))
    else:
        when = ('<header name="Subject" regex="^\\s*(re:|fwd?:)?\\s*%s"/>'
                '<size over="1K"/>' % kw)
    return ('  <rule id="gen-%04d" policy="Generated rule %d">\n'
            '    <when>%s</when>\n'
            '    <then><add-header name="X-Bench-Rule" value="gen-%04d"/>'
            '</then>\n  </rule>\n' % (i, i, when, i))


def write_rules(outdir, rng):
    d = os.path.join(outdir, "rules")
    os.makedirs(d, exist_ok=True)
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<guardian-milter version="1">\n  <settings>\n'
            '    <mode>enforce</mode>\n    <on-error>tempfail</on-error>\n'
            '    <spool-dir>%s</spool-dir>\n  </settings>\n'
            % os.path.join(outdir, "spool"))
    os.makedirs(os.path.join(outdir, "spool"), exist_ok=True)
    with open(os.path.join(d, "empty.xml"), "w") as f:
        f.write(head + "</guardian-milter>\n")
    for n in (10, 100, 1000):
        rules = [rule_xml(i, rng) for i in range(n)]
        with open(os.path.join(d, "rules-%d.xml" % n), "w") as f:
            f.write(head + "".join(rules) + "</guardian-milter>\n")
        # the same rules as a file to <include> (root <rules>)
        with open(os.path.join(d, "rules-%d.inc.xml" % n), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rules>\n' +
                    "".join(rules) + "</rules>\n")


# --- OneRoster 1.1 CSV roster ------------------------------------------

def write_roster(outdir, persons, rng):
    """persons = students + guardians + staff, in the issue's proportions
    (10,000 students : 15,000 guardians : 1,000 staff)."""
    d = os.path.join(outdir, "roster", str(persons))
    os.makedirs(d, exist_ok=True)
    n_students = persons * 10 // 26
    n_guardians = persons * 15 // 26
    n_staff = persons - n_students - n_guardians
    with open(os.path.join(d, "manifest.csv"), "w") as f:
        f.write("propertyName,value\r\nmanifest.version,1.0\r\n"
                "oneroster.version,1.1\r\nfile.orgs,bulk\r\n"
                "file.users,bulk\r\n")
    with open(os.path.join(d, "orgs.csv"), "w") as f:
        f.write("sourcedId,status,dateLastModified,name,type,identifier,"
                "parentSourcedId\r\n")
        f.write("district,active,2024-05-01,Example District,district,D1,\r\n")
        for s in range(SCHOOLS):
            f.write("school-%02d,active,2024-05-01,School %02d,school,S%02d,"
                    "district\r\n" % (s, s, s))
    grades = ["KG"] + ["%02d" % g for g in range(1, 13)]
    with open(os.path.join(d, "users.csv"), "w", newline="") as f:
        f.write("sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,"
                "role,username,userIds,givenName,familyName,middleName,"
                "identifier,email,sms,phone,agentSourcedIds,grades,password"
                "\r\n")
        g = 0
        for i in range(n_students):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            agents = []
            for _ in range(1 + (i % 2)):
                if g < n_guardians:
                    agents.append("g%06d" % g)
                    g += 1
            f.write('s%06d,active,2024-05-01,true,school-%02d,student,'
                    's%06d,,%s,%s,,%d,s%06d@students.district.example,,,'
                    '"%s",%s,\r\n' % (i, i % SCHOOLS, i, first, last,
                                      100000 + i, i, ",".join(agents),
                                      grades[i % len(grades)]))
        for j in range(n_guardians):
            first = FIRST[(j * 7919) % len(FIRST)]
            last = LAST[(j * 104729) % len(LAST)]
            f.write('g%06d,active,2024-05-01,true,school-%02d,%s,,,%s,%s,,,'
                    '%s,,,,,\r\n'
                    % (j, j % SCHOOLS, "parent" if j % 3 else "guardian",
                       first, last, guardian_email(j)))
        for k in range(n_staff):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            f.write('t%06d,active,2024-05-01,true,school-%02d,teacher,'
                    't%06d,,%s,%s,,,%s.%s%d@district.example,,,,,\r\n'
                    % (k, k % SCHOOLS, k, first, last, first[0].lower(),
                       last.lower(), k))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: gen_data.py OUTDIR [--roster-persons N]...\n")
        return 64
    global CLASSES
    outdir = argv[1]
    rosters = []
    generator = None
    i = 2
    while i < len(argv):
        if argv[i] == "--roster-persons" and i + 1 < len(argv):
            rosters.append(int(argv[i + 1], 10))
            i += 2
        elif argv[i] == "--roster-generator" and i + 1 < len(argv):
            generator = argv[i + 1]
            i += 2
        else:
            sys.stderr.write("gen_data.py: unknown argument %s\n" % argv[i])
            return 64
    rng = random.Random(SEED)
    os.makedirs(os.path.join(outdir, "msgs"), exist_ok=True)
    picked = {}
    for n in rosters:
        rdir = os.path.join(outdir, "roster", str(n))
        if generator:
            import subprocess
            subprocess.run([sys.executable, generator, "--out", rdir,
                            "--persons", str(n), "--preferences"],
                           check=True, stdout=subprocess.DEVNULL)
        else:
            write_roster(outdir, n, random.Random(SEED + n))
        picked[n] = pick_addresses(rdir)
        if picked[n]:
            with open(os.path.join(outdir, "roster", "%d.tsv" % n), "w") as f:
                for k in ("staff", "staff2", "student", "guardian"):
                    f.write("%s\t%s\n" % (k, picked[n][k]))
    main_roster = 26000 if 26000 in picked else (rosters[0] if rosters
                                                  else None)
    if main_roster is not None and picked.get(main_roster):
        CLASSES = classes(picked[main_roster])
    roster_rows = students(rng, 10000)
    with open(os.path.join(outdir, "manifest.tsv"), "w") as man:
        for mtype in TYPES:
            for cls in CLASSES:
                path = os.path.join(outdir, "msgs", "%s-%s.eml" % (mtype, cls))
                text = message(random.Random("%d-%s-%s" % (SEED, mtype, cls)),
                               mtype, cls, roster_rows)
                with open(path, "w") as f:
                    f.write(text)
                frm, rcpt, _ = CLASSES[cls]
                man.write("%s\t%s\t%s\t%s\t%s\t%s\n"
                          % (mtype, cls, frm, rcpt, path, EXPECT[cls]))
    with open(os.path.join(outdir, "mixes.tsv"), "w") as f:
        for mix, rows in MIXES.items():
            for cls, sessions in rows:
                f.write("%s\t%s\t%d\n" % (mix, cls, sessions))
    write_rules(outdir, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
