#!/usr/bin/python3
"""difftest.py - the differential test: guardianctl test against the daemon

    python3 tests/diff/difftest.py [-v] [-k] [--only GLOB] BUILDDIR

For every configuration block of tests/diff/corpus, starts
BUILDDIR/guardian-milter -f on a private UNIX socket and puts every
message of the block, under every envelope of the block, through

  - BUILDDIR/guardianctl test --json (the envelope as --from, --rcpt,
    --auth and --macro options, every macro whatever its stage), and
  - the running daemon, through milterclient.py, which plays Postfix's side
    of the milter protocol (each macro with its stage),

and asserts that both decide the same: the same action, the same deciding
rule, the same matched rules (enforce and monitor), the same SMTP reply
(code, status, lines), and for an accepted message the same added
recipients, added header fields and changed header fields. The daemon's
side is read from the protocol (its answer and modifications) and from
its log line for the decision (rules); the two must also agree with each
other.

Cases listed in tests/diff/known-disagreements (fnmatch patterns of case
ids, each with its reason) are reported as skipped while they disagree,
and fail the run once they agree (so the list empties as fixes land) or
when a pattern matches no case.

Prints one line per failed or skipped case (every case with -v) and ends
with "diff: N passed, N failed, N skipped". Exit status 0 unless a case
failed. -k (or DIFF_KEEP=1) keeps the private directory with the
generated messages, configurations and daemon logs.
"""

import fnmatch
import glob
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # a read-only tree (distcheck), no litter
sys.path.insert(0, HERE)
import milterclient  # noqa: E402
import generated  # noqa: E402

CLIENT = (b"client.district.example", b"192.0.2.10")
HELO = b"client.district.example"


class Failure(Exception):
    pass


# --- the corpus -------------------------------------------------------------

class Block:
    def __init__(self, name, conf, extras):
        self.name = name
        self.conf = conf
        self.extras = extras
        self.envs = []  # (name, tokens)
        self.msgs = []  # (name, bytes)


def read_corpus(path, gen):
    blocks = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line)
            kw, args = words[0], words[1:]
            where = "%s:%d" % (path, lineno)
            if kw == "config":
                blocks.append(Block(args[0], args[1], args[2:]))
            elif not blocks:
                raise SystemExit("%s: %s before any config" % (where, kw))
            elif kw == "env":
                blocks[-1].envs.append((args[0], args[1:]))
            elif kw == "msg":
                for pat in args:
                    if pat.startswith("gen:"):
                        names = fnmatch.filter(sorted(gen), pat[4:])
                        if not names:
                            raise SystemExit("%s: no generated message %s"
                                             % (where, pat))
                        for n in names:
                            blocks[-1].msgs.append(("gen-" + n, gen[n]))
                        continue
                    files = sorted(glob.glob(os.path.join(SRCDIR, pat)))
                    if not files:
                        raise SystemExit("%s: no file %s" % (where, pat))
                    for p in files:
                        with open(p, "rb") as m:
                            name = os.path.basename(p).rsplit(".", 1)[0]
                            blocks[-1].msgs.append((name, m.read()))
            else:
                raise SystemExit("%s: unknown keyword %s" % (where, kw))
    return blocks


def read_known(path):
    known = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                raise SystemExit("%s:%d: a pattern needs a reason"
                                 % (path, lineno))
            known.append([parts[0], parts[1].strip(), 0])
    return known


class Envelope:
    """An envelope token list, as both sides get it.
    from=ADDR  rcpt=ADDR  rcpts=N:FORMAT  auth=LOGIN  STAGE:NAME=VALUE
    postfix (the macros Postfix sends by default: i from MAIL on,
    {mail_addr} at MAIL, {rcpt_addr} with each RCPT)"""

    def __init__(self, tokens, qid):
        self.sender = None
        self.rcpts = []
        self.auth = None
        self.macros = {}  # stage -> [(name, value)]
        self.ctl_macros = []  # "NAME=VALUE", in the order they arrive
        self.rcpt_addr = False
        for t in tokens:
            if t.startswith("from="):
                self.sender = t[5:]
            elif t.startswith("rcpt="):
                self.rcpts.append(t[5:])
            elif t.startswith("rcpts="):
                n, fmt = t[6:].split(":", 1)
                self.rcpts += [fmt % i for i in range(int(n))]
            elif t.startswith("auth="):
                self.auth = t[5:]
            elif t == "postfix":
                for st in ("mail", "rcpt", "data", "eoh", "eom"):
                    self.add(st, "i", qid)
                self.add("mail", "{mail_addr}", None)
                self.rcpt_addr = True
            elif ":" in t and t.split(":", 1)[0] in milterclient.STAGES:
                st, nv = t.split(":", 1)
                name, value = nv.split("=", 1)
                self.add(st, name, value)
            else:
                raise SystemExit("bad envelope token %r" % t)
        if self.sender is None or not self.rcpts:
            raise SystemExit("an envelope needs from= and rcpt=")
        for st, pairs in self.macros.items():
            self.macros[st] = [(n, self.sender if v is None else v)
                               for n, v in pairs]

    def add(self, stage, name, value):
        self.macros.setdefault(stage, []).append((name, value))

    def ctl_args(self):
        a = ["--from", self.sender]
        for r in self.rcpts:
            a += ["--rcpt", r]
        a += ["--macro", "{client_name}=" + CLIENT[0].decode(),
              "--macro", "{client_addr}=" + CLIENT[1].decode()]
        # in the order the MTA sends them: a later value replaces one
        for st in ("connect", "helo", "mail", "rcpt"):
            for n, v in self.macros.get(st, []):
                a += ["--macro", "%s=%s" % (n, v)]
        if self.rcpt_addr:
            a += ["--macro", "{rcpt_addr}=" + self.rcpts[-1]]
        for st in ("data", "eoh", "eom"):
            for n, v in self.macros.get(st, []):
                a += ["--macro", "%s=%s" % (n, v)]
        if self.auth is not None:
            a += ["--auth", self.auth]
        return a

    def client_env(self):
        m = {st: [(n.encode(), v.encode()) for n, v in pairs]
             for st, pairs in self.macros.items()}
        if self.auth is not None:
            m.setdefault("mail", []).append((b"{auth_authen}",
                                             self.auth.encode()))
        env = {"client_name": CLIENT[0], "client_addr": CLIENT[1],
               "helo": HELO, "from": self.sender.encode(),
               "rcpts": [r.encode() for r in self.rcpts], "macros": m}
        if self.rcpt_addr:
            env["rcpt_macros"] = lambda r: [(b"{rcpt_addr}", r)]
        return env


# --- the two sides ------------------------------------------------------------

DEFAULT_CODES = {"reject": ("550", "5.7.1"), "tempfail": ("451", "4.7.1")}


def expected(ctl_rc, out, err):
    """what guardianctl says, in the comparison's terms"""
    if ctl_rc == 70 and "could not be evaluated" in err:
        return {"action": "error"}
    if ctl_rc not in (0, 10, 11, 12, 13):
        raise Failure("guardianctl exit %d: %s" % (ctl_rc, err.strip()))
    try:
        v = json.loads(out)
    except ValueError as e:
        raise Failure("guardianctl printed no JSON (%s): %r" % (e, out[:200]))
    r = {"action": v["action"], "rule": v["rule"],
         "rules": [m["rule"] for m in v["matches"] if m["mode"] == "enforce"],
         "monitor": [m["rule"] for m in v["matches"]
                     if m["mode"] == "monitor"]}
    if v["action"] in DEFAULT_CODES:
        rc, xc = DEFAULT_CODES[v["action"]]
        r["reply"] = (v["rcode"] or rc, v["xcode"] or xc, v["reply"] or [])
    if v["action"] == "accept":
        r["headers"] = [(h["name"], norm_added(h["name"], h["value"]))
                        for h in v["headers"]]
        r["recipients"] = [x["address"] for x in v["recipients"]]
        r["set_headers"] = [(h["name"], norm_ws(h["value"]))
                            for h in v["set_headers"]]
    return r


def norm_ws(s):
    """a header value as RFC 5322 unfolds it, white space runs as one
    space: the daemon folds long address lists for the wire"""
    return re.sub(r"[ \t]+", " ", s.replace("\r\n", "").replace("\n", ""))


def norm_added(name, value):
    """an added field's value as compared: the daemon folds an address
    list (To, Cc) for the wire, any other field goes as it is"""
    return norm_ws(value) if name.lower() in ("to", "cc") else value


def cstrings(data):
    return [x.decode("utf-8", "surrogateescape")
            for x in data.split(b"\0")[:-1]]


def parse_reply(data):
    """(code, status, lines) of an SMFIR_REPLYCODE text"""
    text = data.rstrip(b"\0").decode("utf-8", "surrogateescape")
    lines = text.split("\r\n")
    code, status, out = None, None, []
    for l in lines:
        m = re.match(r"^([245][0-9][0-9])[- ]([245]\.[0-9]+\.[0-9]+)"
                     r"(?: (.*))?$", l)
        if not m:
            raise Failure("unparsable reply line %r" % l)
        if code is not None and (m.group(1), m.group(2)) != (code, status):
            raise Failure("reply lines with different codes: %r" % text)
        code, status = m.group(1), m.group(2)
        out.append(m.group(3) or "")
    if out == [""]:
        out = []  # a reply without text: "550 5.7.1 "
    return code, status, out


LOG_RE = re.compile(r": (?:(?:info|notice|warning|err|error|crit): )?"
                    r"(?:[^ ]+: )?(verdict=.*)$")


def observed(sess, loglines):
    """what the daemon did, from the protocol and its log line"""
    kind, data = sess.final
    r = {}
    lines = [l for l in loglines if " verdict=" in l]
    if len(lines) != 1:
        raise Failure("expected one decision line in the daemon's log, "
                      "found %d: %r" % (len(lines), loglines))
    m = LOG_RE.search(lines[0])
    if not m:
        raise Failure("unparsable log line %r" % lines[0])
    kv = dict(re.findall(r'(\w+)=("[^"]*"|\S*)', m.group(1)))
    if kv.get("reason", "").startswith('"internal error'):
        r["action"] = "error"
        if kind != "replycode" or not data.startswith(b"451 4.3.0"):
            raise Failure("internal error logged but the answer was %s %r"
                          % (kind, data))
        return r
    r["action"] = kv["verdict"]
    r["rule"] = kv.get("rule")
    r["rules"] = kv["rules"].split(",") if kv.get("rules") else []
    r["monitor"] = kv["monitor"].split(",") if kv.get("monitor") else []
    # the protocol's answer must be what the log says
    if kind == "replycode":
        code, status, rl = parse_reply(data)
        proto = {"5": "reject", "4": "tempfail"}.get(code[0], "?")
        r["reply"] = (code, status, rl)
    else:
        proto = {"continue": "accept"}.get(kind, kind)
        # a held message is stored, then discarded (<mode>discard</mode>)
        if proto == "discard" and r["action"] == "quarantine":
            proto = "quarantine"
        if proto in DEFAULT_CODES:
            r["reply"] = DEFAULT_CODES[proto] + ([],)
    if proto != r["action"]:
        raise Failure("the daemon answered %s (%s) but logged %s"
                      % (kind, data[:80], lines[0]))
    heads, rcpts, sets = [], [], []
    for code, d in sess.mods:
        if code == b"h":
            name, value = cstrings(d)[:2]
            heads.append((name, norm_added(name, value)))
        elif code == b"+":
            rcpts.append(cstrings(d)[0].strip("<>"))
        elif code == b"m":
            name, value = cstrings(d[4:])[:2]
            idx = int.from_bytes(d[:4], "big")
            if idx != 1:
                raise Failure("header change at index %d" % idx)
            sets.append((name, norm_ws(value)))
        else:
            raise Failure("unexpected modification %r %r" % (code, d))
    if r["action"] != "accept" and (heads or rcpts or sets):
        raise Failure("modifications on a %s" % r["action"])
    if r["action"] == "accept":
        r["headers"], r["recipients"], r["set_headers"] = heads, rcpts, sets
        for key, got in (("added_rcpts", rcpts), ("added_headers", heads),
                         ("set_headers", sets)):
            if int(kv.get(key, "0")) != len(got):
                raise Failure("log says %s=%s, the protocol carried %d"
                              % (key, kv.get(key, "0"), len(got)))
    return r


# --- running ------------------------------------------------------------------

class Daemon:
    def __init__(self, builddir, conf, workdir):
        self.sock = os.path.join(workdir, "milter.sock")
        self.logpath = os.path.join(workdir, "daemon.log")
        self.log = open(self.logpath, "wb")
        if os.path.exists(self.sock):
            os.unlink(self.sock)  # left by a daemon that was killed
        self.proc = subprocess.Popen(
            [os.path.join(builddir, "guardian-milter"), "-f", "-c", conf,
             "-p", "unix:" + self.sock], stdout=self.log,
            stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(self.sock):
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.sock):
            raise Failure("the daemon did not start: %s" % self.tail())
        self.offset = 0

    def tail(self):
        with open(self.logpath, "rb") as f:
            return f.read()[-2000:].decode("utf-8", "replace")

    def new_lines(self):
        with open(self.logpath, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        # only whole lines
        end = data.rfind(b"\n") + 1
        self.offset += end
        return data[:end].decode("utf-8", "replace").splitlines()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure("the daemon did not stop on SIGTERM")
        finally:
            self.log.close()
        return self.proc.returncode


def set_up(block, workdir):
    """copy the configuration (and what it names) into workdir, with the
    private spool; the path of the configuration there"""
    os.makedirs(os.path.join(workdir, "spool"))
    for extra in block.extras:
        src, _, dest = extra.partition("=")
        dest = os.path.join(workdir, dest or os.path.basename(src))
        src = os.path.join(SRCDIR, src)
        if os.path.isdir(src):
            shutil.copytree(src, dest)
        else:
            shutil.copy(src, dest)
    conf = os.path.join(workdir, os.path.basename(block.conf))
    with open(os.path.join(SRCDIR, block.conf)) as f:
        text = f.read()
    spool = os.path.join(workdir, "spool")
    text = text.replace("@SPOOL@", spool).replace("@ONERROR@", "tempfail")
    text = re.sub(r"<spool-dir>[^<]*</spool-dir>",
                  "<spool-dir>%s</spool-dir>" % spool, text)
    # a held message's notice and alert would go to the machine's own
    # MTA: the comparison is of decisions, so none are sent
    text = re.sub(r"<(notices|alert)>yes</(notices|alert)>", r"<\1>no</\2>",
                  text)
    text = re.sub(r"\s*<socket>[^<]*</socket>", "", text)
    if "<spool-dir>" not in text:
        text = text.replace("<settings>", "<settings>\n    <spool-dir>%s"
                            "</spool-dir>" % spool, 1)
    with open(conf, "w") as f:
        f.write(text)
    return conf


def run_case(builddir, conf, daemon, env, msgpath, msg):
    ctl = [os.path.join(builddir, "guardianctl"), "-c", conf, "test",
           "--json"] + env.ctl_args() + [msgpath]
    p = subprocess.run(ctl, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    want = expected(p.returncode, p.stdout.decode("utf-8", "replace"),
                    p.stderr.decode("utf-8", "replace"))
    headers, body = milterclient.split_message(msg)
    daemon.new_lines()
    sess = milterclient.run_message(daemon.sock, env.client_env(), headers,
                                    body)
    if sess.final is None:
        raise Failure("the daemon gave no final answer")
    got = observed(sess, daemon.new_lines())
    return ctl, want, got, sess


def differences(want, got):
    keys = sorted(set(want) | set(got))
    return ["%s: guardianctl %r, daemon %r" % (k, want.get(k), got.get(k))
            for k in keys if want.get(k) != got.get(k)]


# Sessions per daemon before the runner starts a new one. A worker that
# served some 570 sessions in a row did not stop within the supervisor's
# 30 s on SIGTERM and was killed (reported; the stop is being reworked),
# which the stop check below would count against every run.
SESSIONS_PER_DAEMON = 200


def stop_daemon(daemon, name, verbose):
    """SIGTERM; True if the daemon stopped cleanly and logged nothing bad"""
    try:
        rc = daemon.stop()
        log = open(daemon.logpath, "rb").read().decode("utf-8", "replace")
        bad = [l for l in log.splitlines()
               if re.search(r"Sanitizer|runtime error:|panic|"
                            r"the worker (was killed|exited with "
                            r"status [1-9])", l)]
        if rc != 0 or bad:
            raise Failure("exit %s; %s" % (rc, bad[:5]))
        if verbose:
            print("PASS: %s: the daemon ran clean" % name)
        return True
    except Failure as e:
        print("FAIL: %s: the daemon: %s" % (name, e))
        return False


def main(argv):
    verbose = "-v" in argv
    keep = "-k" in argv or os.environ.get("DIFF_KEEP")
    only = None
    args = [a for a in argv[1:] if a not in ("-v", "-k")]
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1 or not os.path.isdir(args[0]):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    builddir = os.path.abspath(args[0])
    os.environ.setdefault("GUARDIAN_MILTER_SCHEMA",
                          os.path.join(SRCDIR, "rules", "guardian-milter.rng"))
    gen = generated.messages(SRCDIR)
    blocks = read_corpus(os.path.join(HERE, "corpus"), gen)
    known = read_known(os.path.join(HERE, "known-disagreements"))
    tmp = tempfile.mkdtemp(prefix="gm-diff-")
    passed = failed = skipped = combos = 0
    qid = 0
    try:
        for block in blocks:
            workdir = os.path.join(tmp, block.name)
            msgdir = os.path.join(workdir, "messages")
            conf = set_up(block, workdir)
            os.makedirs(msgdir)
            sessions = 0
            try:
                daemon = Daemon(builddir, conf, workdir)
            except Failure as e:
                print("FAIL: %s: %s" % (block.name, e))
                failed += 1
                continue
            p = subprocess.run([os.path.join(builddir, "guardianctl"), "-c",
                                conf, "check"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if p.returncode != 0:
                failed += 1
                print("FAIL: %s: guardianctl check: %s"
                      % (block.name, p.stdout.decode("utf-8", "replace")))
            nrules = len(re.findall(r"<rule\b", open(conf).read() + "".join(
                open(x).read() for x in glob.glob(os.path.join(workdir,
                                                               "*.xml"))
                if x != conf)))
            for mname, msg in block.msgs:
                mpath = os.path.join(msgdir, mname + ".eml")
                with open(mpath, "wb") as f:
                    f.write(msg)
                for ename, tokens in block.envs:
                    case = "%s/%s/%s" % (block.name, ename, mname)
                    if only and not fnmatch.fnmatch(case, only):
                        continue
                    qid += 1
                    sessions += 1
                    if sessions > SESSIONS_PER_DAEMON:
                        ok = stop_daemon(daemon, block.name, verbose)
                        passed += ok
                        failed += not ok
                        os.rename(daemon.logpath, "%s.%d" % (daemon.logpath,
                                                             qid))
                        daemon = Daemon(builddir, conf, workdir)
                        sessions = 1
                    env = Envelope(tokens, "DIFF%05d" % qid)
                    marks = [k for k in known if fnmatch.fnmatch(case, k[0])]
                    try:
                        ctl, want, got, sess = run_case(
                            builddir, conf, daemon, env, mpath, msg)
                        diffs = differences(want, got)
                    except (Failure, milterclient.ProtocolError, OSError,
                            subprocess.TimeoutExpired) as e:
                        ctl, sess = None, None
                        diffs = ["error: %s" % e]
                    combos += nrules
                    if marks:
                        marks[0][2] += 1
                    if diffs and marks:
                        skipped += 1
                        print("SKIP: %s: known disagreement: %s"
                              % (case, marks[0][1]))
                        if verbose:
                            for d in diffs:
                                print("    " + d)
                    elif diffs:
                        failed += 1
                        print("FAIL: %s" % case)
                        for d in diffs:
                            print("    " + d)
                        if ctl:
                            print("    guardianctl: " + " ".join(
                                shlex.quote(c) for c in ctl))
                        if sess:
                            for ev in sess.events[-6:]:
                                print("    daemon: %s %r" % ev)
                    elif marks:
                        failed += 1
                        print("FAIL: %s: listed in known-disagreements (%s) "
                              "but both sides agree now: remove it from "
                              "the list" % (case, marks[0][1]))
                    else:
                        passed += 1
                        if verbose:
                            print("PASS: %s: %s" % (case, got["action"]))
            ok = stop_daemon(daemon, block.name, verbose)
            passed += ok
            failed += not ok
        if only is None:
            for k in known:
                if k[2] == 0:
                    failed += 1
                    print("FAIL: known-disagreements: %s matches no case"
                          % k[0])
    finally:
        if keep:
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("diff: %d message x rule combinations compared" % combos)
    print("diff: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
