#!/usr/bin/env python3
"""notify.py BUILDDIR - the daemon's reports to systemd (sd_notify)

Plays systemd's part for a Type=notify unit: a datagram socket named in
NOTIFY_SOCKET, the daemon started in the foreground (-f) as the unit
starts it, and checks what arrives, and from which process:

  READY=1       from the main process, once the socket accepts connections
  RELOADING=1   then READY=1 around a SIGHUP reload (from the worker:
                the unit says NotifyAccess=all)
  STOPPING=1    from the main process on SIGTERM, which then exits 0

Prints "notify: N passed, N failed[, N skipped]" last; skipped when the
daemon was built without libsystemd (configure --without-systemd).
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

SO_PASSCRED = getattr(socket, "SO_PASSCRED", 16)
SCM_CREDENTIALS = getattr(socket, "SCM_CREDENTIALS", 2)

CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<guardian-milter version="1">
  <settings><spool-dir>%(spool)s</spool-dir></settings>
  <rule id="tag" policy="Test">
    <when><recipient address="*@families.example"/></when>
    <then><add-header name="X-Tag" value="%(value)s"/></then>
  </rule>
</guardian-milter>
"""

passed = failed = skipped = 0


def result(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s%s" % (name, ": " + why if why else ""))


def receive(sock, want, timeout=10.0):
    """Messages (text, pid) until one holds the line `want`; None on time-out."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            break
        pid = None
        for level, kind, cdata in anc:
            if level == socket.SOL_SOCKET and kind == SCM_CREDENTIALS:
                pid = struct.unpack("iII", cdata[:12])[0]
        text = data.decode("utf-8", "replace")
        seen.append((text, pid))
        if want in text.split("\n"):
            return seen
    print("    waited for %s; got %r" % (want, seen))
    return None


def listening(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def write_config(path, spool, value):
    with open(path + ".new", "w") as f:
        f.write(CONFIG % {"spool": spool, "value": value})
    os.replace(path + ".new", path)


def main():
    global skipped
    if len(sys.argv) != 2:
        print("usage: notify.py BUILDDIR", file=sys.stderr)
        return 64
    build = os.path.abspath(sys.argv[1])
    daemon = os.path.join(build, "guardian-milter")
    with open(os.path.join(build, "autoconf.h")) as f:
        if "#define HAVE_LIBSYSTEMD 1" not in f.read():
            print("notify: built without libsystemd; skipping")
            skipped = 4
            print("notify: 0 passed, 0 failed, 4 skipped")
            return 0

    tmp = tempfile.mkdtemp(prefix="gm-notify.")
    spool = os.path.join(tmp, "spool")
    os.mkdir(spool)
    cfg = os.path.join(tmp, "guardian-milter.xml")
    write_config(cfg, spool, "one")
    shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "..", "rules", "guardian-milter.rng"), tmp)
    msock = os.path.join(tmp, "milter.sock")
    nsock = os.path.join(tmp, "notify")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(nsock)
    ns.setsockopt(socket.SOL_SOCKET, SO_PASSCRED, 1)
    env = dict(os.environ, NOTIFY_SOCKET=nsock)
    log = open(os.path.join(tmp, "daemon.log"), "w")
    p = subprocess.Popen([daemon, "-f", "-c", cfg, "-p", "unix:" + msock],
                         env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        got = receive(ns, "READY=1")
        result("ready_when_serving", got is not None and listening(msock),
               "no READY=1, or the socket was not accepting")
        result("ready_from_main_process",
               got is not None and got[-1][1] == p.pid,
               "READY=1 came from pid %s, main is %d" %
               (got[-1][1] if got else None, p.pid))

        write_config(cfg, spool, "two")
        p.send_signal(signal.SIGHUP)
        got = receive(ns, "RELOADING=1")
        ok = got is not None
        if ok:
            got = receive(ns, "READY=1")
            ok = got is not None
        result("reloading_then_ready_on_sighup", ok,
               "no RELOADING=1 followed by READY=1")

        p.send_signal(signal.SIGTERM)
        got = receive(ns, "STOPPING=1")
        try:
            rc = p.wait(30)
        except subprocess.TimeoutExpired:
            rc = None
        result("stopping_on_sigterm",
               got is not None and got[-1][1] == p.pid and rc == 0,
               "STOPPING=1 %s, exit status %s" %
               ("missing" if got is None else "from pid %s" % got[-1][1],
                rc))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()
        if failed:
            with open(os.path.join(tmp, "daemon.log")) as f:
                sys.stdout.write("".join("    " + l for l in f))
        ns.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("notify: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
