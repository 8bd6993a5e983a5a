#!/usr/bin/python3
"""smtp-sendmail.py PORT [-G] [-i] -f SENDER -- RCPT... < MESSAGE

The <sendmail> of the review pages' browser test: Postfix's sendmail(1)
honours -C only for root, and the review daemon is not root, so the
test hands a released message back to the private instance by SMTP
instead. The filter lets it through once by its release pass, as it
does for a release through pickup(8) with non_smtpd_milters.
"""
import smtplib
import sys

port = int(sys.argv[1])
args = sys.argv[2:]
sender, rcpts, i = "", [], 0
while i < len(args):
    if args[i] == "-f":
        sender = args[i + 1]
        i += 2
    elif args[i] == "--":
        rcpts = args[i + 1:]
        break
    else:
        i += 1
if sender == "<>":
    sender = ""
data = sys.stdin.buffer.read()
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.sendmail(sender, rcpts, data)
except (OSError, smtplib.SMTPException) as e:
    print("smtp-sendmail: %s" % e, file=sys.stderr)
    sys.exit(75)
