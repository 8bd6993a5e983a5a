#!/usr/bin/python3
"""seccomp_exec.py UNIT -- COMMAND [ARG...] - run COMMAND under the system
call filter of a systemd unit, without systemd

Reads SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=
and RestrictAddressFamilies= from UNIT, expands the @groups with
`systemd-analyze syscall-filter` (the same tables systemd applies),
installs the equivalent seccomp filter with libseccomp (python3-seccomp)
and executes COMMAND under it, so that a process started this way can
make only the system calls, and open only the sockets, the unit allows:
a call outside the list fails with the unit's error number, as under
systemd. The caller must already have no_new_privs set (setpriv
--no-new-privs) or be root.

Differences from systemd: a socket of a family not allowed fails with
the filter's error number rather than EAFNOSUPPORT.
"""

import errno
import socket
import subprocess
import sys

import seccomp


def unit_settings(path):
    """The [Service] assignments of UNIT, each key a list of values."""
    out = {}
    section = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section != "[Service]" or "=" not in line:
                continue
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


GROUPS = {}


def expand(name):
    """The system calls of a @group (recursively), or of one name."""
    if not name.startswith("@"):
        return {name}
    if name not in GROUPS:
        text = subprocess.run(["systemd-analyze", "syscall-filter", name],
                              check=True, capture_output=True,
                              text=True).stdout
        calls = set()
        for line in text.splitlines()[1:]:
            word = line.strip()
            if not word or word.startswith("#"):
                continue
            calls |= expand(word)
        GROUPS[name] = calls
    return GROUPS[name]


def allowed_calls(filters):
    """systemd's reading of the SystemCallFilter= lines, in order: the
    first line decides allow-list (no ~) or deny-list (~)."""
    allow = None
    deny = set()
    for value in filters:
        if value == "":
            allow, deny = None, set()
            continue
        invert = value.startswith("~")
        names = set()
        for word in value.lstrip("~").split():
            names |= expand(word)
        if allow is None and not invert:
            allow = set(names)
        elif allow is None:
            deny |= names
        elif invert:
            allow -= names
        else:
            allow |= names
    return allow, deny


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 64
    settings = unit_settings(sys.argv[1])
    command = sys.argv[3:]
    allow, deny = allowed_calls(settings.get("SystemCallFilter", []))
    eno = settings.get("SystemCallErrorNumber", ["EPERM"])[-1]
    err = getattr(errno, eno)
    families = None
    for value in settings.get("RestrictAddressFamilies", []):
        families = {getattr(socket, f) for f in value.split()}

    if allow is not None:
        f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(err))
        for name in sorted(allow):
            if name == "socket" and families is not None:
                continue
            try:
                f.add_rule(seccomp.ALLOW, name)
            except (RuntimeError, ValueError):
                pass  # not a system call of this architecture
        if families is not None:
            for fam in sorted(families):
                f.add_rule(seccomp.ALLOW, "socket", seccomp.Arg(0, seccomp.EQ, fam))
    else:
        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for name in sorted(deny):
            try:
                f.add_rule(seccomp.ERRNO(err), name)
            except (RuntimeError, ValueError):
                pass
        if families is not None:
            print("seccomp_exec: RestrictAddressFamilies with a deny-list "
                  "filter is not supported", file=sys.stderr)
            return 64
    # SystemCallArchitectures=native: libseccomp's filter covers the
    # native architecture only and kills a call from any other
    f.load()
    try:
        import os
        os.execvp(command[0], command)
    except OSError as e:
        print("seccomp_exec: %s: %s" % (command[0], e), file=sys.stderr)
        return 127


if __name__ == "__main__":
    sys.exit(main())
