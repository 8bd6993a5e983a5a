"""milterclient.py - the MTA's side of the milter protocol (version 6), as
Postfix's milter8 client plays it, recording everything the filter answers

Used by difftest.py to put a message through the running daemon exactly as
Postfix would hand it over:

  - header fields as cleanup splits them: the name without the white space
    before the colon, the value with one leading space removed (never a
    tab: "Sendmail by default eats one space (not tab) after the colon",
    milter8.c), folded lines joined with a bare LF, continuation white
    space kept;
  - the first line that is neither a field nor a continuation ends the
    header (it is the first body line), a blank line ends it and is not
    part of the body;
  - body lines with CRLF line ends, the last line too (SMTP's DATA always
    ends a line before the dot), in chunks of at most 65535 bytes;
  - macros sent with their stage, before the stage's command, even for a
    stage the filter asked to skip (Postfix's milter8_event() sends the
    macros before it checks the skip flag); steps the filter asked not
    to answer are not waited for; SMFIR_SKIP ends the body; an answer
    other than continue before end of message ends the message.

Only the standard library: the tests run where python3 is.
"""

import socket
import struct

# protocol flags (mfdef.h)
P_NOCONNECT = 0x000001
P_NOHELO = 0x000002
P_NOMAIL = 0x000004
P_NORCPT = 0x000008
P_NOBODY = 0x000010
P_NOHDRS = 0x000020
P_NOEOH = 0x000040
P_NR_HDR = 0x000080
P_NOUNKNOWN = 0x000100
P_NODATA = 0x000200
P_SKIP = 0x000400
P_RCPT_REJ = 0x000800
P_NR_CONN = 0x001000
P_NR_HELO = 0x002000
P_NR_MAIL = 0x004000
P_NR_RCPT = 0x008000
P_NR_DATA = 0x010000
P_NR_UNKN = 0x020000
P_NR_EOH = 0x040000
P_NR_BODY = 0x080000
P_HDR_LEADSPC = 0x100000
P_ALL = 0x1FFFFF
ACTIONS_ALL = 0x1FF

CHUNK = 65535

# the stages a macro can be sent with, and their command codes
STAGES = {
    "connect": b"C",
    "helo": b"H",
    "mail": b"M",
    "rcpt": b"R",
    "data": b"T",
    "eoh": b"N",
    "eom": b"E",
}

# per command: the flag that skips it and the flag that silences its reply
STEP_FLAGS = {
    b"C": (P_NOCONNECT, P_NR_CONN),
    b"H": (P_NOHELO, P_NR_HELO),
    b"M": (P_NOMAIL, P_NR_MAIL),
    b"R": (P_NORCPT, P_NR_RCPT),
    b"T": (P_NODATA, P_NR_DATA),
    b"L": (P_NOHDRS, P_NR_HDR),
    b"N": (P_NOEOH, P_NR_EOH),
    b"B": (P_NOBODY, P_NR_BODY),
    b"E": (0, 0),
}

FINAL = {b"a": "accept", b"r": "reject", b"t": "tempfail", b"d": "discard",
         b"y": "replycode", b"f": "connfail", b"q": "quarantine"}


class ProtocolError(Exception):
    pass


def is_header(line):
    """Postfix's is_header(): the length of the field name of line (bytes
    without its line end), or 0 when it is not a header field. White space
    may come between the name and the colon (RFC 822 3.4.2)."""
    state = 0  # 0 init, 1 in name, 2 in space after the name
    n = 0
    for c in line:
        if c == 0x3A:  # ':'
            return n if state in (1, 2) else 0
        if c in (0x20, 0x09):
            if state == 0:
                return 0
            state = 2
            continue
        if c >= 0x80 or c < 0x20 or c == 0x7F:
            return 0
        if state == 2:
            return 0
        state = 1
        n += 1
    return 0


def split_message(data):
    """(headers, body) of a message file as Postfix's cleanup would pass it
    to a milter: headers a list of (name, value) bytes, body bytes with
    CRLF line ends. A leading mbox "From " line is not part of the message
    (as guardianctl test reads a file)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [l[:-1] if l.endswith(b"\r") else l for l in lines]
    if lines and lines[0].startswith(b"From "):
        lines.pop(0)
    headers = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == b"":
            i += 1
            break
        n = is_header(line)
        if n == 0:
            break  # the body starts here, without a blank line
        block = [line]
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            block.append(lines[i])
            i += 1
        text = b"\n".join(block)
        name = text[:n]
        rest = text[n:].lstrip(b" \t")
        if rest[:1] != b":":
            raise ProtocolError("is_header() and the split disagree")
        value = rest[1:]
        if value[:1] == b" ":
            value = value[1:]
        headers.append((name, value))
    body = b"".join(l + b"\r\n" for l in lines[i:])
    return headers, body


class Session:
    """One SMTP session's milter conversation. events is the transcript:
    (what, detail) tuples, for a failure report."""

    def __init__(self, path, timeout=20.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.pflags = 0
        self.events = []
        self.mods = []  # (code, fields) of modifications at end of message
        self.final = None  # ("accept", data) ... or ("continue", b"")
        self.final_stage = None

    def close(self):
        try:
            self._send(b"Q")
        except OSError:
            pass
        self.sock.close()

    def _send(self, cmd, data=b""):
        self.sock.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def _readn(self, n):
        buf = b""
        while len(buf) < n:
            got = self.sock.recv(n - len(buf))
            if not got:
                raise ProtocolError("the filter closed the connection")
            buf += got
        return buf

    def _reply(self):
        (n,) = struct.unpack(">I", self._readn(4))
        if n < 1 or n > 4 * 1024 * 1024:
            raise ProtocolError("bad reply length %d" % n)
        pkt = self._readn(n)
        return pkt[:1], pkt[1:]

    def negotiate(self, pflags=P_ALL, actions=ACTIONS_ALL):
        self._send(b"O", struct.pack(">III", 6, actions, pflags))
        code, data = self._reply()
        if code != b"O" or len(data) < 12:
            raise ProtocolError("bad negotiation reply %r" % code)
        ver, act, proto = struct.unpack(">III", data[:12])
        self.pflags = proto
        self.events.append(("negotiated", "actions 0x%x steps 0x%x"
                            % (act, proto)))

    def macros(self, stage_cmd, pairs):
        """send the macros of one stage; also for a stage the filter
        skips, as milter8_event() does (macros first, then the skip)"""
        if not pairs:
            return
        data = stage_cmd
        for name, value in pairs:
            data += name + b"\0" + value + b"\0"
        self.events.append(("macros " + stage_cmd.decode(), pairs))
        self._send(b"D", data)

    def step(self, cmd, data=b""):
        """one command; True if the message goes on. Skipped steps are not
        sent; unanswered ones are not waited for."""
        skip, noreply = STEP_FLAGS[cmd]
        if self.pflags & skip:
            return True
        self._send(cmd, data)
        if self.pflags & noreply:
            return True
        while True:
            code, rdata = self._reply()
            if code == b"p":  # progress: keep waiting
                continue
            if cmd == b"E" and code in (b"h", b"i", b"m", b"+", b"2",
                                        b"-", b"e", b"b"):
                self.mods.append((code, rdata))
                self.events.append(("modification " + code.decode(),
                                    rdata))
                continue
            break
        self.events.append(("reply to " + cmd.decode(), code + rdata))
        if code == b"c":
            if cmd == b"E":
                self.final = ("continue", b"")
                self.final_stage = cmd.decode()
            return True
        if code == b"s" and cmd == b"B":
            self.skipped_body = True
            return True
        if code in FINAL:
            self.final = (FINAL[code], rdata)
            self.final_stage = cmd.decode()
            return False
        raise ProtocolError("unexpected reply %r to %r" % (code, cmd))


def run_message(path, env, headers, body, pflags=P_ALL):
    """Put one message through the filter at path. env: dict with
    client_name, client_addr, helo, from, rcpts (lists of bytes),
    macros: {stage: [(name, value), ...]}, rcpt_macros: a function of a
    recipient giving its RCPT-stage macros. Returns the Session (final,
    final_stage, mods, events)."""
    s = Session(path)
    try:
        s.negotiate(pflags)
        m = env.get("macros", {})
        s.macros(b"C", m.get("connect"))
        addr = env["client_addr"]
        conn = (env["client_name"] + b"\0" + b"4" + struct.pack(">H", 25)
                + addr + b"\0")
        if not s.step(b"C", conn):
            return s
        s.macros(b"H", m.get("helo"))
        if not s.step(b"H", env["helo"] + b"\0"):
            return s
        s.macros(b"M", m.get("mail"))
        if not s.step(b"M", b"<" + env["from"] + b">\0"):
            return s
        for r in env["rcpts"]:
            s.macros(b"R", list(m.get("rcpt") or [])
                     + list(env.get("rcpt_macros", lambda x: [])(r)))
            if not s.step(b"R", b"<" + r + b">\0"):
                return s
        s.macros(b"T", m.get("data"))
        if not s.step(b"T"):
            return s
        for name, value in headers:
            if not s.step(b"L", name + b"\0" + value + b"\0"):
                return s
        s.macros(b"N", m.get("eoh"))
        if not s.step(b"N"):
            return s
        s.skipped_body = False
        for off in range(0, len(body), CHUNK):
            if not s.step(b"B", body[off:off + CHUNK]):
                return s
            if s.skipped_body:
                break
        s.macros(b"E", m.get("eom"))
        s.step(b"E")
        return s
    finally:
        s.close()
