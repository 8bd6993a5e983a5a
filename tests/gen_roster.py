#!/usr/bin/env python3
"""gen_roster.py - write a synthetic OneRoster CSV export for load tests

A district of N schools (60% elementary KG-05, 20% middle 06-08, 20% high
09-12, each elementary and middle school a K-8 now and then), staff who
teach sections, students enrolled in sections, and families of one to
three siblings with one to three guardians. The output looks like a real
SIS export: UUID sourcedIds, CRLF line ends, quoted id lists, UTF-8
names, an extension column, agentSourcedIds given on both sides for most
families and on one side for some (the importer must union them), a few
disabled and deleted records, and a few parents sharing a family address.
The same seed gives the same export.

    tests/gen_roster.py --out DIR [--students N] [--guardians N]
        [--staff N] [--schools N] [--persons N] [--version 1.1|1.2]
        [--sections-per-student N] [--seed N] [--preferences]

--persons N picks students, guardians and staff in the proportions of
the default (10,000 / 15,000 / 1,000) adding up to N.
"""

import argparse
import csv
import os
import random
import sys
import uuid

GIVEN = ["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana",
         "Ivan", "Jade", "Kai", "Léa", "Marta", "Noor", "Omar", "Priya",
         "Quinn", "Rosa", "Søren", "Tomás", "Uma", "Vik", "Wen", "Xiu",
         "Yara", "Zoë", "José", "Björn", "Anaïs", "Nguyễn"]
FAMILY = ["Smith", "García", "Nguyen", "Müller", "O'Brien", "Kowalski",
          "Okafor", "Rossi", "Tanaka", "Ivanova", "Haddad", "Johansson",
          "Dubois", "Kim", "Patel", "Silva", "Cohen", "Novák", "Łukasz",
          "Zhang", "Hernández", "Nakamura", "Ahmed", "Schmidt", "Brown"]
PERSONAL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
            "icloud.com", "example.net", "example.org"]
DISTRICT = "district.example"
STUDENTS = "students.district.example"

GRADES = ["KG"] + ["%02d" % g for g in range(1, 13)]
BANDS = {"elementary": GRADES[0:6], "middle": GRADES[6:9],
         "high": GRADES[9:13], "k8": GRADES[0:9]}


def writer(path):
    f = open(path, "w", newline="", encoding="utf-8")
    return f, csv.writer(f, lineterminator="\r\n")


class District:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.args = args
        self.users = []        # dicts with the users.csv fields
        self.roles = []        # (user, role, roleType, org)
        self.orgs = []
        self.sections = []     # (id, title, code, school, grades)
        self.enrollments = []  # (section, school, user, role)
        self.births = []       # (user, date)
        self.prefs = []
        self.counter = 0

    def uid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128)))

    def name(self):
        return self.rng.choice(GIVEN), self.rng.choice(FAMILY)

    def slug(self, given, family):
        self.counter += 1
        s = (given + "." + family).lower()
        s = "".join(c for c in s if c.isascii() and (c.isalnum() or c == "."))
        return "%s%d" % (s, self.counter)

    def schools(self):
        n = self.args.schools
        self.district = self.uid()
        self.orgs.append((self.district, "Riverside Unified", "district",
                          "RUSD", ""))
        self.school_list = []
        for i in range(n):
            r = i / max(n, 1)
            kind = "elementary" if r < 0.6 else "middle" if r < 0.8 \
                else "high"
            if kind == "elementary" and i % 7 == 3:
                kind = "k8"
            sid = self.uid()
            self.orgs.append((sid, "School %d (%s)" % (i + 1, kind),
                              "school", str(100 + i), self.district))
            self.school_list.append((sid, kind))

    def staff(self):
        roles = ["teacher"] * 8 + ["aide", "counselor", "principal",
                                   "administrator"]
        self.staff_by_school = {s: [] for s, _ in self.school_list}
        for i in range(self.args.staff):
            school, kind = self.school_list[i % len(self.school_list)]
            given, family = self.name()
            slug = self.slug(given, family)
            role = self.rng.choice(roles)
            u = self.user(given, family, "staff", role, school,
                          slug.replace(".", "") + "@" + DISTRICT, slug,
                          "E%06d" % i)
            if role == "teacher":
                self.staff_by_school[school].append(u["sourcedId"])
        for school, kind in self.school_list:
            teachers = self.staff_by_school[school]
            for t in teachers:
                for k in range(5):
                    grades = self.rng.sample(BANDS[kind],
                                             min(2, len(BANDS[kind])))
                    grades.sort()
                    cid = self.uid()
                    self.sections.append((cid, "Section %d" % k,
                                          "SEC-%s-%d" % (t[:6], k), school,
                                          ",".join(grades)))
                    self.enrollments.append((cid, school, t, "teacher"))

    def user(self, given, family, kind, role, school, email, username,
             identifier, grade="", enabled="true", status="active"):
        u = {"sourcedId": self.uid(), "status": status,
             "dateLastModified": "2024-08-01T00:00:00.000Z",
             "enabledUser": enabled, "orgSourcedIds": school, "role": role,
             "username": username, "userIds": "", "givenName": given,
             "familyName": family, "middleName": "",
             "identifier": identifier, "email": email, "sms": "",
             "phone": "", "agentSourcedIds": [], "grades": grade,
             "password": "", "primaryOrgSourcedId": school,
             "metadata.house": self.rng.choice(["Red", "Blue", ""])}
        self.users.append(u)
        self.roles.append((u["sourcedId"], role, "primary", school))
        return u

    def families(self):
        a = self.args
        sections_by_school = {}
        for cid, _, _, school, grades in self.sections:
            sections_by_school.setdefault(school, []).append((cid, grades))
        students_left, guardians_left = a.students, a.guardians
        fam = 0
        while students_left > 0:
            fam += 1
            nkids = min(students_left, self.rng.choice([1] * 14 + [2] * 5 +
                                                       [3]))
            families_left = max(1, int(students_left / 1.3))
            per = guardians_left / families_left if families_left else 1
            nguard = max(1, min(3, int(per) + (self.rng.random() <
                                               per - int(per))))
            nguard = min(nguard, max(guardians_left, 1)) \
                if guardians_left > 0 else 0
            students_left -= nkids
            family = self.rng.choice(FAMILY)
            kids = []
            for _ in range(nkids):
                school, kind = self.rng.choice(self.school_list)
                grade = self.rng.choice(BANDS[kind])
                given = self.rng.choice(GIVEN)
                slug = self.slug(given, family)
                shown = grade.lstrip("0") if self.rng.random() < 0.2 \
                    else grade
                if self.rng.random() < 0.02:
                    shown = ""  # graded by its sections only
                k = self.user(given, family, "student", "student", school,
                              slug + "@" + STUDENTS, slug,
                              "S%07d" % len(self.users), shown,
                              enabled="false" if self.rng.random() < 0.005
                              else "true")
                kids.append(k)
                secs = sections_by_school.get(school, [])
                for cid, _ in self.rng.sample(
                        secs, min(len(secs), a.sections_per_student)):
                    self.enrollments.append((cid, school, k["sourcedId"],
                                             "student"))
                year = 2024 - 5 - GRADES.index(grade)
                self.births.append((k["sourcedId"], "%04d-%02d-%02d" % (
                    year, self.rng.randint(1, 12), self.rng.randint(1, 28))))
            shared = self.rng.random() < 0.03 and nguard >= 2
            shared_email = "family.%s%d@%s" % (
                "".join(c for c in family.lower() if c.isascii() and
                        c.isalpha()), fam, self.rng.choice(PERSONAL))
            one_side = self.rng.random() < 0.1
            for g in range(nguard):
                given = self.rng.choice(GIVEN)
                role = "relative" if g == 2 else \
                    self.rng.choice(["parent"] * 4 + ["guardian"])
                email = shared_email if shared else "%s@%s" % (
                    self.slug(given, family), self.rng.choice(PERSONAL))
                gu = self.user(given, family, "guardian", role,
                               kids[0]["orgSourcedIds"], email, "", "",
                               enabled="false" if self.rng.random() < 0.005
                               else "true")
                for k in kids:
                    if not one_side or g % 2 == 0:
                        k["agentSourcedIds"].append(gu["sourcedId"])
                    if not one_side or g % 2 == 1:
                        gu["agentSourcedIds"].append(k["sourcedId"])
                if self.args.preferences and role != "relative" and \
                        self.rng.random() < 0.05:
                    self.prefs.append(("guardian", gu["sourcedId"], "",
                                       "yes", "", ""))
                guardians_left -= 1
        if self.args.preferences:
            for school, kind in self.school_list:
                if kind == "high":
                    self.prefs.append(("school", school, "", "", "",
                                       "2024-08-20"))

    def write(self):
        a, out = self.args, self.args.out
        os.makedirs(out, exist_ok=True)
        v12 = a.version == "1.2"
        files = {"orgs": "bulk", "users": "bulk", "classes": "bulk",
                 "enrollments": "bulk", "demographics": "bulk",
                 "roles": "bulk" if v12 else "absent"}
        f, w = writer(os.path.join(out, "manifest.csv"))
        w.writerow(["propertyName", "value"])
        w.writerow(["manifest.version", "1.0"])
        w.writerow(["oneroster.version", a.version])
        for k in sorted(files):
            w.writerow(["file." + k, files[k]])
        w.writerow(["source.systemName", "gen_roster.py"])
        f.close()

        f, w = writer(os.path.join(out, "orgs.csv"))
        w.writerow(["sourcedId", "status", "dateLastModified", "name", "type",
                    "identifier", "parentSourcedId"])
        for o in self.orgs:
            w.writerow([o[0], "active", "", o[1], o[2], o[3], o[4]])
        f.close()

        cols11 = ["sourcedId", "status", "dateLastModified", "enabledUser",
                  "orgSourcedIds", "role", "username", "userIds",
                  "givenName", "familyName", "middleName", "identifier",
                  "email", "sms", "phone", "agentSourcedIds", "grades",
                  "password", "metadata.house"]
        cols12 = ["sourcedId", "status", "dateLastModified", "enabledUser",
                  "username", "userIds", "givenName", "familyName",
                  "middleName", "identifier", "email", "sms", "phone",
                  "agentSourcedIds", "grades", "password",
                  "userMasterIdentifier", "resourceSourcedIds",
                  "preferredGivenName", "preferredMiddleName",
                  "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
                  "metadata.house"]
        cols = cols12 if v12 else cols11
        f, w = writer(os.path.join(out, "users.csv"))
        f.write("\ufeff")
        w.writerow(cols)
        for u in self.users:
            row = dict(u, agentSourcedIds=",".join(u["agentSourcedIds"]))
            w.writerow([row.get(c, "") for c in cols])
        f.close()

        if v12:
            f, w = writer(os.path.join(out, "roles.csv"))
            w.writerow(["sourcedId", "status", "dateLastModified",
                        "userSourcedId", "roleType", "role", "beginDate",
                        "endDate", "orgSourcedId", "userProfileSourcedId"])
            for user, role, rtype, org in self.roles:
                w.writerow([self.uid(), "active", "", user, rtype, role, "",
                            "", org, ""])
            f.close()

        f, w = writer(os.path.join(out, "classes.csv"))
        w.writerow(["sourcedId", "status", "dateLastModified", "title",
                    "grades", "courseSourcedId", "classCode", "classType",
                    "location", "schoolSourcedId", "termSourcedIds",
                    "subjects", "subjectCodes", "periods"])
        for cid, title, code, school, grades in self.sections:
            w.writerow([cid, "active", "", title, grades, "", code,
                        "scheduled", "", school, "t2024", "", "", "1"])
        f.close()

        f, w = writer(os.path.join(out, "enrollments.csv"))
        w.writerow(["sourcedId", "status", "dateLastModified",
                    "classSourcedId", "schoolSourcedId", "userSourcedId",
                    "role", "primary", "beginDate", "endDate"])
        for cid, school, user, role in self.enrollments:
            w.writerow([self.uid(), "active", "", cid, school, user, role,
                        "false", "", ""])
        f.close()

        f, w = writer(os.path.join(out, "demographics.csv"))
        w.writerow(["sourcedId", "status", "dateLastModified", "birthDate",
                    "sex"])
        for user, date in self.births:
            w.writerow([user, "active", "", date, ""])
        f.close()

        if a.preferences:
            f, w = writer(os.path.join(out, "preferences.csv"))
            w.writerow(["type", "sourcedId", "email", "optOutCopy",
                        "optOutDirect", "advisedDate"])
            for row in self.prefs:
                w.writerow(row)
            f.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--students", type=int, default=10000)
    p.add_argument("--guardians", type=int, default=15000)
    p.add_argument("--staff", type=int, default=1000)
    p.add_argument("--schools", type=int, default=20)
    p.add_argument("--persons", type=int, default=0)
    p.add_argument("--version", choices=["1.1", "1.2"], default="1.1")
    p.add_argument("--sections-per-student", type=int, default=6)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--preferences", action="store_true")
    a = p.parse_args()
    if a.persons:
        a.students = a.persons * 10 // 26
        a.staff = a.persons // 26
        a.guardians = a.persons - a.students - a.staff
        a.schools = max(a.schools, a.persons // 1300)
    if a.schools < 1 or a.students < 1 or a.staff < a.schools:
        sys.exit("gen_roster.py: need at least one school, one student "
                 "and one staff member per school")
    d = District(a)
    d.schools()
    d.staff()
    d.families()
    d.write()
    print("%s: %d users (%d students, %d staff), %d schools, %d sections, "
          "%d enrollments" % (a.out, len(d.users), a.students, a.staff,
                              len(d.school_list), len(d.sections),
                              len(d.enrollments)))


if __name__ == "__main__":
    main()
