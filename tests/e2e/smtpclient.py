#!/usr/bin/env python3
"""smtpclient.py - send one message by SMTP and show the server's answer

Usage: smtpclient.py --port PORT [--host HOST] [--from ADDR]
                     --to ADDR [--to ADDR...] [--auth USER:PASS]
                     [--helo NAME] FILE|-

Prints the reply that decided the message's fate the way it came on the
wire ("550-5.7.1 text" continuation lines, "550 5.7.1 text" last), and
one "rcpt <addr>: NNN text" line per recipient the server refused.
Exit status: 0 accepted, 4 refused with a 4xx, 5 refused with a 5xx,
1 the conversation failed (connection, protocol, usage).
"""

import argparse
import smtplib
import sys


def wire(code, text):
    """Render a reply as the server sent it: NNN-line ... NNN line."""
    lines = text.decode("utf-8", "replace").split("\n") if text else [""]
    out = []
    for i, line in enumerate(lines):
        sep = " " if i == len(lines) - 1 else "-"
        out.append("%d%s%s" % (code, sep, line))
    return "\n".join(out)


def verdict(code):
    return 4 if 400 <= code < 500 else 5 if 500 <= code < 600 else 1


def main():
    ap = argparse.ArgumentParser(description="send one message by SMTP")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--from", dest="sender", default="teacher@district.example")
    ap.add_argument("--to", dest="rcpts", action="append", required=True)
    ap.add_argument("--auth", default=None, help="USER:PASS for AUTH PLAIN")
    ap.add_argument("--helo", default="client.district.example")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("file")
    args = ap.parse_args()

    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.file, "rb") as f:
            data = f.read()
    # SMTP wants CRLF line ends; the samples are stored with LF.
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    try:
        s = smtplib.SMTP(args.host, args.port, local_hostname=args.helo,
                         timeout=args.timeout)
    except smtplib.SMTPResponseException as e:
        print(wire(e.smtp_code, e.smtp_error))
        return verdict(e.smtp_code)
    except (OSError, smtplib.SMTPException) as e:
        print("connect failed: %s" % e)
        return 1
    try:
        code, text = s.ehlo()
        if code != 250:
            print(wire(code, text))
            return verdict(code)
        if args.auth:
            user, _, password = args.auth.partition(":")
            try:
                s.login(user, password)
            except smtplib.SMTPAuthenticationError as e:
                print(wire(e.smtp_code, e.smtp_error))
                return verdict(e.smtp_code)
        code, text = s.mail(args.sender)
        if code != 250:
            print(wire(code, text))
            return verdict(code)
        accepted = 0
        last = None
        for rcpt in args.rcpts:
            code, text = s.rcpt(rcpt)
            if code in (250, 251):
                accepted += 1
            else:
                print("rcpt <%s>: %s" % (rcpt, wire(code, text)))
                last = (code, text)
        if accepted == 0:
            s.rset()
            return verdict(last[0])
        code, text = s.data(data)
        print(wire(code, text))
        return 0 if code == 250 else verdict(code)
    except smtplib.SMTPResponseException as e:
        print(wire(e.smtp_code, e.smtp_error))
        return verdict(e.smtp_code)
    except smtplib.SMTPServerDisconnected as e:
        print("server disconnected: %s" % e)
        return 1
    except (OSError, smtplib.SMTPException) as e:
        print("smtp error: %s" % e)
        return 1
    finally:
        try:
            s.quit()
        except (OSError, smtplib.SMTPException):
            pass


if __name__ == "__main__":
    sys.exit(main())
